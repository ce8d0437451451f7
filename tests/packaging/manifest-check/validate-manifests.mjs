// Checks every YAML document under a folder of Kubernetes manifests (packaging/kubernetes/):
//
// 1. Schema: each object against Kubernetes' OpenAPI schema for its apiVersion and kind, as
//    kubernetes-models 4.5.1 compiles it (Kubernetes 1.33): types, required fields, enums,
//    quantity and int-or-string formats. Those validators accept fields they do not know, which
//    the API server (strict field validation, kubectl's default since 1.27) rejects; so each
//    object is validated through proxies that record which fields the validator reads, and a
//    field it never read is reported as unknown (a map, which the validator walks, is not).
// 2. ClearCut's rules: the probes use the server's endpoints, the kubelet waits longer than the
//    server's --grace, the Job's completions equal the N of --shard I/N, the containers run as
//    non-root with a read-only root and no capabilities, every $(VAR) has a source, labels and
//    names agree between objects, and more (see ruleChecks below).
// 3. The checks themselves: a set of broken copies of the manifests (a misspelt field, a wrong
//    type, a short grace period ...) must each be caught, or the run fails. This is what makes a
//    green run mean something when the validator or its package changes.
//
// YAML is read as Kubernetes reads it (YAML 1.1: `on`, `yes` are booleans), duplicate keys fail.
//
//   node validate-manifests.mjs NODE_MODULES_PARENT MANIFEST_DIR [CONTAINER_DIR]
//
// With CONTAINER_DIR (packaging/container/), its Dockerfile and the manifests are also checked
// against each other (the user, the port, the ENTRYPOINT, the HEALTHCHECK), and its shell
// scripts with `bash -n`.
//
// Prints PASS/FAIL per check and "N passed, N failed"; exit code 0 only when all pass.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, basename } from "node:path";

const [modulesParent, manifestDir, containerDir] = process.argv.slice(2);
if (!modulesParent || !manifestDir) {
    console.error("usage: node validate-manifests.mjs NODE_MODULES_PARENT MANIFEST_DIR [CONTAINER_DIR]");
    process.exit(2);
}
const require = createRequire(join(modulesParent, "package.json"));
const YAML = require("yaml");

// ---- what the programs accept (app/server/ServerOptions.cpp, app/server/RemoveServer.cpp,
// app/cli/CliOptions.cpp): keep in step with them.
const SERVER_PORT = 8080; // the image's ENTRYPOINT: --listen 0.0.0.0:8080
const SERVER_GET_ENDPOINTS = ["/healthz", "/readyz"]; // the ones a kubelet can probe: no token
const SERVER_DEFAULT_GRACE = 25;
const SERVER_FLAGS = ["--listen", "--model", "-c", "--queue", "--deadline", "--max-body-mb",
    "--max-pixels", "--grace", "--token-file", "--threads"];
const CLI_FLAGS_USED = ["--input-list", "--shard", "-d", "--dest", "--collision", "--threads",
    "--name", "-t", "--type", "-f", "--format", "--mode", "--report", "--resize-longest"];

// ---- schema --------------------------------------------------------------------------------

const modelCache = new Map();
function modelFor(apiVersion, kind) {
    const key = `${apiVersion}/${kind}`;
    if (!modelCache.has(key)) {
        // kubernetes-models/<group>/<version>/<Kind>, and kubernetes-models/v1/<Kind> for the core.
        let model = null;
        if (/^([a-z0-9.]+\/)?v[0-9a-z]+$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]+$/.test(kind)) {
            try {
                model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind] ?? null;
            } catch {
                model = null;
            }
        }
        modelCache.set(key, model);
    }
    return modelCache.get(key);
}

// A copy of `value` whose objects record which of their keys were read. `records` gets one entry
// per object: its path, its keys, the keys read, and whether it was enumerated (a map).
function tracked(value, path, records) {
    if (Array.isArray(value)) return value.map((v, i) => tracked(v, `${path}/${i}`, records));
    if (value === null || typeof value !== "object") return value;
    const record = { path, keys: Object.keys(value), read: new Set(), enumerated: false };
    records.push(record);
    const copy = {};
    for (const k of record.keys) copy[k] = tracked(value[k], `${path}/${k}`, records);
    const note = (p) => { if (typeof p === "string") record.read.add(p); };
    return new Proxy(copy, {
        get(t, p, r) { note(p); return Reflect.get(t, p, r); },
        has(t, p) { note(p); return Reflect.has(t, p); },
        getOwnPropertyDescriptor(t, p) { note(p); return Reflect.getOwnPropertyDescriptor(t, p); },
        ownKeys(t) { record.enumerated = true; return Reflect.ownKeys(t); },
    });
}

// Problems of one object against its schema: ["spec/replicas must be integer", ...].
function schemaProblems(object) {
    const { apiVersion, kind } = object ?? {};
    if (typeof apiVersion !== "string" || typeof kind !== "string")
        return ["no apiVersion or kind"];
    const Model = modelFor(apiVersion, kind);
    if (!Model) return [`unknown apiVersion/kind ${apiVersion} ${kind} (not in Kubernetes 1.33)`];
    const records = [];
    const problems = [];
    try {
        // The model's validate() runs the compiled schema on `this`: here, the tracked copy.
        Model.prototype.validate.call(tracked(object, "", records));
    } catch (e) {
        for (const part of String(e.message).split(/, (?=data)/)) problems.push(part.replace(/^data\/?/, ""));
    }
    const unknown = [];
    for (const r of records) {
        if (r.enumerated || unknown.some((u) => r.path === u || r.path.startsWith(`${u}/`))) continue;
        for (const k of r.keys) {
            if (r.read.has(k)) continue;
            unknown.push(`${r.path}/${k}`);
            problems.push(`${r.path.slice(1) || "(top)"}: unknown field "${k}"`);
        }
    }
    return problems;
}

// ---- ClearCut's rules --------------------------------------------------------------------------

const quantity = (q) => {
    const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
    if (!m) return NaN;
    const f = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    return parseFloat(m[1]) * (m[2] ? f[m[2]] : 1);
};
const flagValue = (args, flag) => {
    const i = args.indexOf(flag);
    if (i >= 0) return args[i + 1];
    const eq = args.find((a) => a.startsWith(`${flag}=`));
    return eq === undefined ? undefined : eq.slice(flag.length + 1);
};
const matches = (selector, labels) =>
    selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

// The Dockerfile's instructions: {USER: ["10001:10001"], ENTRYPOINT: [...], ...}, continuation
// lines joined, comments dropped.
function dockerfile(path) {
    const text = readFileSync(path, "utf8").replace(/\\\n/g, " ");
    const result = {};
    for (const line of text.split("\n")) {
        const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
        if (m) (result[m[1]] ??= []).push(m[2].trim());
    }
    return result;
}

// Each rule: [name, function(objects) -> list of problems]. `objects`: [{file, object}].
function ruleChecks(objects, image) {
    const all = (kind) => objects.filter((o) => o.object?.kind === kind);
    const one = (kind) => all(kind)[0]?.object;
    const podSpecs = () => [...all("Deployment"), ...all("Job")].map((o) => ({
        where: `${o.object.kind} ${o.object.metadata?.name}`,
        spec: o.object.spec?.template?.spec ?? {},
        labels: o.object.spec?.template?.metadata?.labels ?? {},
    }));
    const deployment = one("Deployment");
    const server = deployment?.spec?.template?.spec?.containers?.[0];
    const serverArgs = server?.args ?? [];
    const job = one("Job");
    const cli = job?.spec?.template?.spec?.containers?.[0];
    const cliArgs = cli?.args ?? [];
    const containerPort = (container, port) =>
        typeof port === "number" ? port : container?.ports?.find((p) => p.name === port)?.containerPort;

    return [
        ["one Deployment (the server), one Service, one HPA, one PDB, one Job", () =>
            ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job"]
                .filter((k) => all(k).length !== 1).map((k) => `${all(k).length} of kind ${k}`)],
        ["the probes use the server's unauthenticated endpoints on its port", () => {
            const p = [];
            const want = { startupProbe: "/readyz", readinessProbe: "/readyz", livenessProbe: "/healthz" };
            for (const [probe, path] of Object.entries(want)) {
                const get = server?.[probe]?.httpGet;
                if (!get) { p.push(`no ${probe}.httpGet`); continue; }
                if (!SERVER_GET_ENDPOINTS.includes(get.path)) p.push(`${probe} path ${get.path} is not one of ${SERVER_GET_ENDPOINTS}`);
                else if (get.path !== path) p.push(`${probe} should use ${path}, not ${get.path}`);
                if (containerPort(server, get.port) !== SERVER_PORT) p.push(`${probe} port ${get.port} is not the server's ${SERVER_PORT}`);
            }
            const s = server?.startupProbe;
            if (s && (s.failureThreshold ?? 3) * (s.periodSeconds ?? 10) < 60)
                p.push(`startupProbe allows only ${(s.failureThreshold ?? 3) * (s.periodSeconds ?? 10)} s for a cold start (want >= 60)`);
            return p;
        }],
        ["terminationGracePeriodSeconds is longer than the server's --grace", () => {
            const grace = Number(flagValue(serverArgs, "--grace") ?? SERVER_DEFAULT_GRACE);
            const period = deployment?.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30;
            return Number.isFinite(grace) && period > grace ? [] : [`terminationGracePeriodSeconds ${period} <= --grace ${grace}`];
        }],
        ["the server's flags exist, and it listens where the image says", () => {
            const p = serverArgs.filter((a) => a.startsWith("-") && !SERVER_FLAGS.includes(a.split("=")[0]))
                .map((a) => `unknown server flag ${a}`);
            if (server?.command) p.push("command overrides the image's ENTRYPOINT (--listen 0.0.0.0:8080)");
            if (!server?.ports?.some((q) => q.containerPort === SERVER_PORT)) p.push(`no containerPort ${SERVER_PORT}`);
            return p;
        }],
        ["the token comes from an optional Secret as CLEARCUT_TOKEN", () => {
            const ref = server?.env?.find((e) => e.name === "CLEARCUT_TOKEN")?.valueFrom?.secretKeyRef;
            return ref?.optional === true ? [] : ["no CLEARCUT_TOKEN from a secretKeyRef with optional: true"];
        }],
        ["the autoscaler owns the replica count and targets the Deployment", () => {
            const hpa = one("HorizontalPodAutoscaler");
            const p = [];
            if (deployment?.spec?.replicas !== undefined) p.push("the Deployment sets replicas (the HPA owns them)");
            const ref = hpa?.spec?.scaleTargetRef;
            if (ref?.kind !== "Deployment" || ref?.name !== deployment?.metadata?.name) p.push(`scaleTargetRef ${ref?.kind}/${ref?.name}`);
            if (!((hpa?.spec?.minReplicas ?? 1) >= 2)) p.push(`minReplicas ${hpa?.spec?.minReplicas} < 2`);
            if (!(hpa?.spec?.maxReplicas >= (hpa?.spec?.minReplicas ?? 1))) p.push("maxReplicas < minReplicas");
            if (hpa?.spec?.behavior?.scaleDown?.stabilizationWindowSeconds === undefined) p.push("no scaleDown stabilizationWindowSeconds");
            if (!hpa?.spec?.metrics?.some((m) => m.resource?.name === "cpu")) p.push("no CPU metric");
            if (!server?.resources?.requests?.cpu) p.push("no CPU request (utilisation is relative to it)");
            return p;
        }],
        ["the PDB and the Service select the server's pods", () => {
            const labels = deployment?.spec?.template?.metadata?.labels;
            const p = [];
            if (!matches(deployment?.spec?.selector?.matchLabels, labels)) p.push("the Deployment's selector does not match its template");
            const pdb = one("PodDisruptionBudget");
            if (!matches(pdb?.spec?.selector?.matchLabels, labels)) p.push("the PDB's selector does not match the server's pods");
            const min = one("HorizontalPodAutoscaler")?.spec?.minReplicas ?? 1;
            if (!(Number(pdb?.spec?.minAvailable) < min)) p.push(`PDB minAvailable ${pdb?.spec?.minAvailable} >= HPA minReplicas ${min}: drains would block`);
            const svc = one("Service");
            if (!matches(svc?.spec?.selector, labels)) p.push("the Service's selector does not match the server's pods");
            const port = svc?.spec?.ports?.[0];
            if (port?.port !== 80) p.push(`Service port ${port?.port}, want 80`);
            if (containerPort(server, port?.targetPort ?? port?.port) !== SERVER_PORT) p.push(`Service targetPort ${port?.targetPort} is not ${SERVER_PORT}`);
            return p;
        }],
        ["the Job is Indexed and completions equal the N of --shard I/N", () => {
            const p = [];
            const spec = job?.spec ?? {};
            if (spec.completionMode !== "Indexed") p.push(`completionMode ${spec.completionMode}`);
            const shard = /^\$\(JOB_COMPLETION_INDEX\)\/([0-9]+)$/.exec(flagValue(cliArgs, "--shard") ?? "");
            if (!shard) p.push(`--shard is ${flagValue(cliArgs, "--shard")}, want $(JOB_COMPLETION_INDEX)/N`);
            else if (Number(shard[1]) !== spec.completions) p.push(`--shard .../${shard[1]} but completions ${spec.completions}`);
            if (!(spec.parallelism <= spec.completions)) p.push(`parallelism ${spec.parallelism} > completions ${spec.completions}`);
            if (job?.spec?.template?.spec?.restartPolicy !== "Never") p.push("restartPolicy is not Never (backoffLimitPerIndex needs it)");
            for (const r of spec.podFailurePolicy?.rules ?? [])
                if (r.onExitCodes?.containerName && r.onExitCodes.containerName !== cli?.name)
                    p.push(`podFailurePolicy names container ${r.onExitCodes.containerName}`);
            const has = (f, v) => (v === undefined ? flagValue(cliArgs, f) !== undefined : flagValue(cliArgs, f) === v);
            if (!has("--input-list")) p.push("no --input-list");
            if (!has("-d") && !has("--dest")) p.push("no -d");
            if (!has("--collision", "skip")) p.push("no --collision skip (a retried shard would redo its photos)");
            for (const a of cliArgs.filter((a) => a.startsWith("-")))
                if (!CLI_FLAGS_USED.includes(a.split("=")[0])) p.push(`unexpected clearcut-cli flag ${a}`);
            return p;
        }],
        ["the Job's volumes: claims defined, /data read-only, /out writable", () => {
            const p = [];
            const pod = job?.spec?.template?.spec ?? {};
            const claims = new Set(all("PersistentVolumeClaim").map((o) => o.object.metadata?.name));
            for (const v of pod.volumes ?? [])
                if (v.persistentVolumeClaim && !claims.has(v.persistentVolumeClaim.claimName))
                    p.push(`claim ${v.persistentVolumeClaim.claimName} is not defined`);
            const mount = (path) => cli?.volumeMounts?.find((m) => m.mountPath === path);
            const list = flagValue(cliArgs, "--input-list") ?? "";
            const out = flagValue(cliArgs, "-d") ?? flagValue(cliArgs, "--dest") ?? "";
            const inside = (file) => cli?.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`) || file === m.mountPath);
            if (!inside(list)) p.push(`--input-list ${list} is on no volume`);
            if (!inside(out) || inside(out).readOnly) p.push(`-d ${out} is not on a writable volume`);
            if (!mount("/data")?.readOnly) p.push("/data is not mounted read-only");
            return p;
        }],
        ["every container: non-root, read-only root, no escalation, no capabilities, limits", () => {
            const p = [];
            for (const { where, spec } of podSpecs()) {
                for (const c of spec.containers ?? []) {
                    const sc = c.securityContext ?? {};
                    const at = `${where} ${c.name}`;
                    if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true) p.push(`${at}: runAsNonRoot is not true`);
                    if ((sc.runAsUser ?? spec.securityContext?.runAsUser) === 0) p.push(`${at}: runAsUser 0`);
                    if (sc.readOnlyRootFilesystem !== true) p.push(`${at}: readOnlyRootFilesystem is not true`);
                    if (sc.allowPrivilegeEscalation !== false) p.push(`${at}: allowPrivilegeEscalation is not false`);
                    if (sc.privileged === true) p.push(`${at}: privileged`);
                    if (!sc.capabilities?.drop?.includes("ALL")) p.push(`${at}: capabilities do not drop ALL`);
                    if (sc.capabilities?.add?.length) p.push(`${at}: adds capabilities`);
                    const r = c.resources ?? {};
                    for (const res of ["cpu", "memory"]) {
                        if (!r.requests?.[res] || !r.limits?.[res]) { p.push(`${at}: no ${res} request and limit`); continue; }
                        if (!(quantity(r.requests[res]) <= quantity(r.limits[res]))) p.push(`${at}: ${res} request > limit`);
                    }
                    if (!c.volumeMounts?.some((m) => m.mountPath === "/tmp")) p.push(`${at}: no writable /tmp (the root is read-only)`);
                }
            }
            return p;
        }],
        ["every $(VAR) in command and args has a source in env", () => {
            const p = [];
            for (const { where, spec } of podSpecs()) {
                for (const c of spec.containers ?? []) {
                    const env = new Set((c.env ?? []).map((e) => e.name));
                    for (const a of [...(c.command ?? []), ...(c.args ?? [])]) {
                        for (const [, name] of String(a).matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
                            if (!env.has(name)) p.push(`${where} ${c.name}: $(${name}) is not in env (it would stay as written)`);
                    }
                    for (const e of c.env ?? []) {
                        const ref = e.valueFrom?.resourceFieldRef;
                        if (ref && ref.containerName && ref.containerName !== c.name) p.push(`${where} ${c.name}: ${e.name} reads container ${ref.containerName}`);
                    }
                }
            }
            return p;
        }],
        ["one image for the server and the Job, and kustomization's images entry names it", () => {
            const images = podSpecs().flatMap(({ spec }) => (spec.containers ?? []).map((c) => c.image));
            const p = [];
            if (new Set(images).size !== 1) p.push(`images differ: ${[...new Set(images)]}`);
            const name = String(images[0] ?? "").replace(/[:@].*$/, "");
            const k = one("Kustomization");
            if (k && !(k.images ?? []).some((i) => i.name === name)) p.push(`kustomization's images do not name ${name}`);
            return p;
        }],
        ...(image ? [["the image and the pods agree: user, port, entrypoint, health check", () => {
            const p = [];
            const [uid, gid] = String(image.USER?.at(-1) ?? "").split(":").map(Number);
            if (!(uid > 0)) p.push(`the image's USER ${image.USER} is not a numeric non-root user (runAsNonRoot cannot verify a name)`);
            for (const { where, spec } of podSpecs()) {
                if ((spec.securityContext?.runAsUser ?? uid) !== uid) p.push(`${where}: runAsUser ${spec.securityContext.runAsUser}, the image's user is ${uid}`);
                if (gid !== undefined && (spec.securityContext?.runAsGroup ?? gid) !== gid) p.push(`${where}: runAsGroup ${spec.securityContext.runAsGroup}, the image's group is ${gid}`);
            }
            if (!(image.FROM ?? []).includes("debian:12-slim")) p.push(`FROM ${image.FROM}, want debian:12-slim`);
            if (!(image.EXPOSE ?? []).includes(String(SERVER_PORT))) p.push(`EXPOSE ${image.EXPOSE}, want ${SERVER_PORT}`);
            let entry = [];
            try { entry = JSON.parse(image.ENTRYPOINT?.at(-1) ?? "[]"); } catch { p.push("ENTRYPOINT is not in exec (JSON) form"); }
            if (!/clearcut-server$/.test(entry[0] ?? "") || flagValue(entry, "--listen") !== `0.0.0.0:${SERVER_PORT}`)
                p.push(`ENTRYPOINT ${JSON.stringify(entry)}, want clearcut-server --listen 0.0.0.0:${SERVER_PORT}`);
            const health = image.HEALTHCHECK?.at(-1) ?? "";
            if (!health.includes("/healthz") || !health.includes(`/${SERVER_PORT}`)) p.push(`HEALTHCHECK does not ask /healthz on port ${SERVER_PORT}`);
            if (!(image.STOPSIGNAL ?? []).includes("SIGTERM")) p.push("no STOPSIGNAL SIGTERM");
            return p;
        }]] : []),
        ["kustomization lists the server's files, not the Job's", () => {
            const k = objects.find((o) => o.object?.kind === "Kustomization");
            if (!k) return ["no kustomization.yaml"];
            const listed = k.object.resources ?? [];
            const p = listed.filter((r) => !existsSync(join(manifestDir, r))).map((r) => `${r} does not exist`);
            const fileOf = (kind) => all(kind)[0]?.file;
            for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
                if (fileOf(kind) && !listed.includes(fileOf(kind))) p.push(`${fileOf(kind)} (${kind}) is not listed`);
            if (fileOf("Job") && listed.includes(fileOf("Job"))) p.push(`${fileOf("Job")} is listed: apply -k would try to change a created Job`);
            return p;
        }],
    ];
}

// ---- the run -------------------------------------------------------------------------------

// [{file, object}] of every document, or problems reading them.
function load(dir) {
    const objects = [];
    const problems = [];
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    if (files.length === 0) problems.push(`no YAML files in ${dir}`);
    for (const file of files) {
        const docs = YAML.parseAllDocuments(readFileSync(join(dir, file), "utf8"), { version: "1.1", uniqueKeys: true });
        for (const doc of docs) {
            for (const e of [...doc.errors, ...doc.warnings]) problems.push(`${file}: ${e.message.split("\n")[0]}`);
            const object = doc.toJS();
            if (object !== null && object !== undefined) objects.push({ file, object });
        }
    }
    return { objects, problems };
}

// Every check's problems: [[name, problems[]], ...].
const image = containerDir ? dockerfile(join(containerDir, "Dockerfile")) : null;
function checkAll(objects) {
    const results = [];
    for (const { file, object } of objects) {
        if (object?.kind === "Kustomization") continue; // not an API object; its own rule below
        results.push([`schema: ${file} ${object?.kind} ${object?.metadata?.name}`, schemaProblems(object)]);
    }
    for (const [name, rule] of ruleChecks(objects, image)) {
        let problems;
        try { problems = rule(); } catch (e) { problems = [`the rule threw: ${e.message}`]; }
        results.push([name, problems]);
    }
    return results;
}

// Broken copies that must each fail some check whose problems match `expect`.
const clone = (objects) => objects.map(({ file, object }) => ({ file, object: structuredClone(object) }));
const find = (objects, kind) => objects.find((o) => o.object?.kind === kind)?.object;
const serverOf = (objects) => find(objects, "Deployment").spec.template.spec.containers[0];
const breakages = [
    ["a misspelt field (readinessProbes)", /unknown field "readinessProbes"/,
        (o) => { const c = serverOf(o); c.readinessProbes = c.readinessProbe; delete c.readinessProbe; }],
    ["a misspelt field deep down (httpGet.paht)", /unknown field "paht"/,
        (o) => { serverOf(o).livenessProbe.httpGet.paht = "/healthz"; }],
    ["a number where a string belongs (args: - 25)", /must be string/,
        (o) => { serverOf(o).args[1] = 25; }],
    ["a bad quantity (memory: 3 GB)", /quantity/, (o) => { serverOf(o).resources.limits.memory = "3 GB"; }],
    ["a kind that does not exist (apps/v1 Deploymnt)", /unknown apiVersion\/kind/,
        (o) => { find(o, "Deployment").kind = "Deploymnt"; }],
    ["a probe on an endpoint the server lacks (/ready)", /not one of/,
        (o) => { serverOf(o).readinessProbe.httpGet.path = "/ready"; }],
    ["a grace period the kubelet cuts short (--grace 40)", /<= --grace/,
        (o) => { const a = serverOf(o).args; a[a.indexOf("--grace") + 1] = "40"; }],
    ["completions that differ from --shard's N", /completions/,
        (o) => { find(o, "Job").spec.completions = 4; find(o, "Job").spec.parallelism = 4; }],
    ["a container allowed to run as root", /runAsNonRoot/, (o) => {
        const j = find(o, "Job").spec.template.spec;
        j.securityContext.runAsNonRoot = false;
        j.containers[0].securityContext.runAsNonRoot = false;
    }],
    ["a misspelt $(VAR)", /is not in env/, (o) => {
        const a = serverOf(o).args; a[a.indexOf("--threads") + 1] = "$(CPU_LIMT)";
    }],
    ["pods that run as another user than the image's", /runAsUser/,
        (o) => { find(o, "Deployment").spec.template.spec.securityContext.runAsUser = 1000; }],
    ["a Service that selects no server pod", /Service's selector/,
        (o) => { find(o, "Service").spec.selector["app.kubernetes.io/component"] = "sever"; }],
];

const { objects, problems: loadProblems } = load(manifestDir);
let passed = 0;
let failed = 0;
const report = (name, problems) => {
    if (problems.length === 0) { passed++; console.log(`PASS: ${name}`); return; }
    failed++;
    console.log(`FAIL: ${name}`);
    for (const p of problems.slice(0, 20)) console.log(`    ${p}`);
};
report(`YAML of ${basename(manifestDir)}/ parses (YAML 1.1, no duplicate keys)`, loadProblems);
for (const [name, problems] of checkAll(objects)) report(name, problems);
if (containerDir) {
    for (const script of readdirSync(containerDir).filter((f) => f.endsWith(".sh")).sort()) {
        const r = spawnSync("bash", ["-n", join(containerDir, script)], { encoding: "utf8" });
        report(`bash -n ${basename(containerDir)}/${script}`, r.status === 0 ? [] : [r.stderr.trim() || `exit ${r.status}`]);
    }
}

if (failed === 0) {
    for (const [what, expect, mutate] of breakages) {
        const copy = clone(objects);
        let caught = [];
        try {
            mutate(copy);
            caught = checkAll(copy).flatMap(([, problems]) => problems).filter((p) => expect.test(p));
        } catch (e) {
            caught = [];
            console.log(`    (breaking it threw: ${e.message})`);
        }
        report(`caught: ${what}`, caught.length ? [] : [`no check reported ${expect} for it`]);
    }
} else {
    console.log("(the broken-copy checks run once the manifests pass)");
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
