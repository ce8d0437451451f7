// OpenMP's wait policy for ClearCut's executables, set before any library starts.
//
// LibTorch runs on libgomp, whose idle workers spin for ~300k iterations before sleeping. The app
// always has other work beside inference (compositing on the UI side, the next photo's decode and
// the previous one's encode in a batch), and on a 2-core machine those spinning workers take the
// cores from it: a 24 MP batch ran 1.44x one inference per photo with spinning and 1.31x with
// sleeping workers, while a lone inference is no slower. libgomp reads OMP_WAIT_POLICY once, in
// its constructor, which runs before main() (Qt and OpenBLAS load it), so the variable is set from
// the executable's pre-initialisation array, which the dynamic linker runs before any shared
// library's initialisers. A value the user set is kept.

#include <cstdlib>

namespace {

void setOpenMpDefaults(int, char **, char **)
{
    setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
}

} // namespace

__attribute__((section(".preinit_array"), used)) static void (*const kOpenMpDefaults)(
    int, char **, char **) = &setOpenMpDefaults;
