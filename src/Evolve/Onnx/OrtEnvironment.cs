using Evolve.Onnx.Native;

namespace Evolve.Onnx;

/// <summary>
/// The process-wide OrtEnv and CPU memory info. ORT keeps one env per process (a second create returns the same one
/// and ignores its logger), so the first is made here with our logger and kept for the process lifetime: releasing it
/// while another thread may still create a session would be a use-after-free.
/// </summary>
internal static unsafe class OrtEnvironment
{
    private static readonly Lock Gate = new();
    private static nint env;
    private static nint cpuMemoryInfo;

    public static nint Handle
    {
        get
        {
            if (env == 0) Initialize();
            return env;
        }
    }

    public static nint CpuMemoryInfo
    {
        get
        {
            if (env == 0) Initialize();
            return cpuMemoryInfo;
        }
    }

    private static void Initialize()
    {
        lock (Gate)
        {
            if (env != 0) return;
            var e = OrtApi.CreateEnvWithCustomLogger(&OrtLog.Forward, (int)OrtLog.MinimumSeverity, "evolve");
            cpuMemoryInfo = OrtApi.CreateCpuMemoryInfo();
            env = e;
        }
    }
}
