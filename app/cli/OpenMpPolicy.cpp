// OpenMP's wait policy for batch runs of clearcut-cli (a folder or an input list), in force
// before any library starts.
//
// LibTorch runs on libgomp, whose idle workers spin for 300k iterations before they sleep. In a
// batch, the next photo's decode and the previous one's encode run beside inference, and on a
// 2-core machine spinning workers take the cores from them: perf showed 9% of a batch's cycles
// in libgomp's spin loop, none with OMP_WAIT_POLICY=PASSIVE, which costs a lone inference nothing
// measurable.
//
// libgomp reads the variable once, in its constructor, before main() (Qt and OpenBLAS load it).
// The executable's pre-initialisation array runs before every library constructor, but also
// before libc sets up the environment that setenv() edits, so a variable set there is lost; and
// no link order makes a constructor of ours run before libgomp's. So, for a batch run with the
// variable unset, the process executes itself again from the pre-initialisation array with
// OMP_WAIT_POLICY=PASSIVE added. No constructor has run yet; the cost is loading the ~150
// libraries again, ~50 ms, which a batch repays many times and a single photo would not (so a
// single photo, and the app's window, start without it). A value the user set is kept; if the
// exec fails the process goes on as it is.
//
// Linux only: an ELF pre-initialisation array, /proc/self/exe and libgomp. Elsewhere LibTorch's
// OpenMP runtime is another (Intel's on Windows, LLVM's on macOS) and this file compiles to
// nothing.

#if defined(__linux__)

#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr char kVariable[] = "OMP_WAIT_POLICY=";
constexpr char kSetting[] = "OMP_WAIT_POLICY=PASSIVE";

// -s DIR, --source DIR, --source=DIR, -sDIR (QCommandLineParser's spellings) naming a folder,
// or --input-list (a list of photos is a batch too).
bool isBatchRun(char **argv)
{
    for (int i = 1; argv[i]; ++i) {
        const char *arg = argv[i];
        if (std::strcmp(arg, "--input-list") == 0 || std::strncmp(arg, "--input-list=", 13) == 0)
            return true;
        const char *path = nullptr;
        if (std::strcmp(arg, "-s") == 0 || std::strcmp(arg, "--source") == 0)
            path = argv[i + 1];
        else if (std::strncmp(arg, "--source=", 9) == 0)
            path = arg + 9;
        else if (std::strncmp(arg, "-s", 2) == 0 && arg[2] != '\0' && arg[2] != '-')
            path = arg + 2;
        struct stat info;
        if (path && stat(path, &info) == 0 && S_ISDIR(info.st_mode))
            return true;
    }
    return false;
}

// clearcut-server is built with this file too: a service always has decodes and encodes running
// beside inference, as a folder run does.
#if defined(CLEARCUT_OPENMP_PASSIVE_ALWAYS)
constexpr bool kAlways = true;
#else
constexpr bool kAlways = false;
#endif

void setOpenMpPolicy(int, char **argv, char **envp)
{
    if (!argv || !argv[0] || !envp)
        return;
    int count = 0;
    for (; envp[count]; ++count)
        if (std::strncmp(envp[count], kVariable, sizeof kVariable - 1) == 0)
            return;                     // set by the user (or by the exec below)
    constexpr int kMaxVariables = 4096; // the copy lives on the stack
    if (count > kMaxVariables || !(kAlways || isBatchRun(argv)))
        return;
    char *environment[kMaxVariables + 2];
    std::memcpy(environment, envp, sizeof(char *) * size_t(count));
    environment[count] = const_cast<char *>(kSetting);
    environment[count + 1] = nullptr;
    execve("/proc/self/exe", argv, environment);
    // Only returns on failure: carry on with libgomp's default policy.
}

} // namespace

__attribute__((section(".preinit_array"),
               used)) static void (*const kOpenMpPolicy)(int, char **, char **) = &setOpenMpPolicy;

#endif // __linux__
