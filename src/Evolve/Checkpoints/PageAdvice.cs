using System.Runtime.InteropServices;

namespace Evolve.Checkpoints;

/// <summary>madvise(2) on Linux: tells the kernel which mapped pages the process no longer needs resident.</summary>
internal static partial class PageAdvice
{
    private const int MadvDontNeed = 4;

    /// <summary>Drops the pages of a read-only file mapping from the resident set; later reads fault them back in.</summary>
    public static void DontNeed(nuint address, nuint length) => _ = Madvise(address, length, MadvDontNeed);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nuint address, nuint length, int advice);
}
