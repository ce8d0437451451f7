#include "SyntheticModels.h"

#include <torch/script.h>

#include <QDir>
#include <QFile>

namespace clearcut::test {
namespace {

std::string forwardSource(SyntheticModel kind)
{
    // Input is normalised as (v - 128) / 256, so red > 128 <=> x[:, 0] > 0. The weight makes
    // freezing have something to fold.
    switch (kind) {
    case SyntheticModel::RedIsForeground:
        return R"(
def forward(self, x):
    return (x[:, 0:1] * self.weight > 0.0).float()
)";
    case SyntheticModel::TupleOutput:
        return R"(
def forward(self, x):
    mask = (x[:, 0:1] * self.weight > 0.0).float()
    return (mask, x)
)";
    case SyntheticModel::Logits:
        return R"(
def forward(self, x):
    return ((x[:, 0:1] * self.weight > 0.0).float() - 0.5) * 16.0
)";
    case SyntheticModel::WrongShape:
        return R"(
def forward(self, x):
    return x * self.weight
)";
    case SyntheticModel::NanOutput:
        return R"(
def forward(self, x):
    return x[:, 0:1] * self.weight * float("nan")
)";
    case SyntheticModel::TwoInputs:
        return R"(
def forward(self, x, y):
    return x[:, 0:1] * self.weight + y
)";
    case SyntheticModel::Throws:
        return R"(
def forward(self, x):
    return x.reshape(7, -1, 5)
)";
    case SyntheticModel::Float32Only:
        return R"(
def forward(self, x):
    det = torch.det(x[0, 0:1, 0:2, 0:2] * self.weight)
    return (x[:, 0:1] * self.weight > 0.0).float() + det.sum() * 0.0
)";
    }
    return {};
}

} // namespace

QString writeSyntheticModel(const QString &dir, const QString &name, SyntheticModel kind, int size)
{
    torch::jit::Module module("synthetic");
    module.register_parameter("weight", torch::ones({1}), false);
    module.define(forwardSource(kind));
    const QString path = QDir(dir).filePath(name + QStringLiteral(".pt"));
    module.save(path.toStdString());

    const QString output =
        kind == SyntheticModel::Logits ? QStringLiteral("logits") : QStringLiteral("probability");
    QFile sidecar(QDir(dir).filePath(name + QStringLiteral(".json")));
    if (sidecar.open(QIODevice::WriteOnly)) {
        sidecar.write(
            QStringLiteral(
                R"({"name":"%1","input":{"policy":"fixed","width":%2,"height":%2,"multiple":32,"fast_side":32},
"scale":1.0,"mean":[128,128,128],"std":[256,256,256],"output":"%3","minmax":false})")
                .arg(name)
                .arg(size)
                .arg(output)
                .toUtf8());
    }
    return path;
}

QString writeSyntheticInt8Variant(const QString &dir, const QString &floatName, double meanAbs,
                                  double iou, int size)
{
    torch::jit::Module module("synthetic_int8");
    module.register_parameter("weight", torch::ones({1}), false);
    module.define(R"(
def forward(self, x):
    q = torch.quantize_per_tensor(x, 0.01, 128, 13)  # 13: torch.quint8
    return (torch.dequantize(q)[:, 2:3] * self.weight > 0.0).float()
)");
    const QString name = floatName + QStringLiteral("-int8");
    const QString path = QDir(dir).filePath(name + QStringLiteral(".pt"));
    module.save(path.toStdString());
    QFile sidecar(QDir(dir).filePath(name + QStringLiteral(".json")));
    if (sidecar.open(QIODevice::WriteOnly)) {
        sidecar.write(
            QStringLiteral(
                R"({"name":"%1","input":{"policy":"fixed","width":%2,"height":%2,"multiple":32,"fast_side":32},
"scale":1.0,"mean":[128,128,128],"std":[256,256,256],"output":"probability","minmax":false,
"precision":"int8","quantization":{"engine":"onednn","float_blocks":[],
"accuracy":{"validation.png":{"mean_abs":%3,"iou":%4}}}})")
                .arg(name)
                .arg(size)
                .arg(meanAbs)
                .arg(iou)
                .toUtf8());
    }
    return path;
}

} // namespace clearcut::test
