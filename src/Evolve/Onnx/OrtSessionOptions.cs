using System.Runtime.InteropServices;
using Evolve.Onnx.Native;

namespace Evolve.Onnx;

/// <summary>
/// OrtSessionOptions built from <see cref="OrtSessionSettings"/>. It holds the initializer values given to
/// AddInitializer, because ORT keeps only their pointers until CreateSession returns (releasing one earlier crashes).
/// </summary>
internal sealed class OrtSessionOptions : SafeHandle
{
    private readonly List<OrtTensor> initializers = [];

    public OrtSessionOptions(OrtSessionSettings settings) : base(0, ownsHandle: true)
    {
        // The env must exist first: appending a provider logs through ORT's default logger, which the env registers
        // (without it ORT fails with "Attempt to use DefaultLogger but none has been registered").
        _ = OrtEnvironment.Handle;
        SetHandle(OrtApi.CreateSessionOptions());
        OrtApi.SetGraphOptimizationLevel(handle, (int)settings.Optimization);
        OrtApi.SetIntraOpNumThreads(handle, settings.IntraOpThreads);
        OrtApi.SetInterOpNumThreads(handle, settings.InterOpThreads);
        foreach (var (key, value) in settings.ConfigEntries)
            OrtApi.AddSessionConfigEntry(handle, key, value);
        if (settings.Provider == ExecutionProvider.Cuda)
            AppendCuda(settings.DeviceId);
    }

    public override bool IsInvalid => handle == 0;

    public nint Handle => handle;

    /// <summary>The override values; a session created from these options must keep their buffers alive.</summary>
    public IReadOnlyList<OrtTensor> Initializers => initializers;

    /// <summary>Adds an initializer override. Callers validate name, dtype and shape first (<see cref="InitializerOverrides"/>).</summary>
    public void AddInitializer(string name, OrtTensor value)
    {
        OrtApi.AddInitializer(handle, name, value.Value);
        initializers.Add(value);
    }

    private void AppendCuda(int deviceId)
    {
        try
        {
            OrtApi.AppendCudaProvider(handle, deviceId);
        }
        catch (OrtException e)
        {
            Dispose();
            throw new ExecutionProviderUnavailableException(OrtApi.LibraryPath, "CUDA", e.Code, e.OrtMessage,
                $"The ONNX Runtime from npm has no libonnxruntime_providers_cuda.so; set {OrtApi.LibraryOverrideVariable} to libonnxruntime.so of a CUDA build of ONNX Runtime {OrtApi.RequiredVersionText} (with its provider libraries beside it)");
        }
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSessionOptions(handle);
        return true;
    }
}
