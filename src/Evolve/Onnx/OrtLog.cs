using System.Runtime.InteropServices;

namespace Evolve.Onnx;

public enum OrtLogSeverity
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}

/// <summary>One log line ONNX Runtime emitted.</summary>
public readonly record struct OrtLogEntry(OrtLogSeverity Severity, string Category, string CodeLocation, string Message);

/// <summary>
/// Receives ONNX Runtime's own log (which would otherwise go to stderr with ANSI colours). The process-wide env is
/// created with a custom logger that forwards here; the CLI subscribes a printer for warnings and above.
/// </summary>
public static class OrtLog
{
    /// <summary>The level below which ORT does not even format a message.</summary>
    public const OrtLogSeverity MinimumSeverity = OrtLogSeverity.Warning;

    private static event Action<OrtLogEntry>? Entries;

    /// <summary>Subscribes a sink; dispose the result to unsubscribe. Sinks are called on ORT's threads and must not throw.</summary>
    public static IDisposable Subscribe(Action<OrtLogEntry> sink)
    {
        Entries += sink;
        return new Subscription(sink);
    }

    [UnmanagedCallersOnly]
    internal static unsafe void Forward(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        try
        {
            Entries?.Invoke(new OrtLogEntry((OrtLogSeverity)severity,
                Marshal.PtrToStringUTF8((nint)category) ?? "",
                Marshal.PtrToStringUTF8((nint)codeLocation) ?? "",
                Marshal.PtrToStringUTF8((nint)message) ?? ""));
        }
        catch
        {
            // An exception must never unwind into native code; a failing sink loses only its own line.
        }
    }

    private sealed class Subscription(Action<OrtLogEntry> sink) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Entries -= sink;
        }
    }
}
