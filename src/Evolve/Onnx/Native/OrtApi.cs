using System.Runtime.InteropServices;
using System.Text;

namespace Evolve.Onnx.Native;

/// <summary>
/// The OrtApi function table of ONNX Runtime's C API, version 30, called through unmanaged function pointers.
/// Indices are fixed by the C header of API version 30 (reference/ort-binding.md §3); the table is append-only, so a
/// newer runtime keeps their meaning and an older one answers GetApi(30) with NULL.
/// </summary>
internal static unsafe class OrtApi
{
    public const uint ApiVersion = 30;
    public const string LibraryFileName = "libonnxruntime.so.1";
    public const string LibraryOverrideVariable = "EVOLVE_ORT_LIB";

    private const int GetErrorCodeIndex = 1;
    private const int GetErrorMessageIndex = 2;
    private const int CreateEnvWithCustomLoggerIndex = 4;
    private const int CreateSessionIndex = 7;
    private const int CreateSessionFromArrayIndex = 8;
    private const int RunIndex = 9;
    private const int CreateSessionOptionsIndex = 10;
    private const int SetSessionGraphOptimizationLevelIndex = 23;
    private const int SetIntraOpNumThreadsIndex = 24;
    private const int SetInterOpNumThreadsIndex = 25;
    private const int SessionGetInputCountIndex = 30;
    private const int SessionGetOutputCountIndex = 31;
    private const int SessionGetInputTypeInfoIndex = 33;
    private const int SessionGetOutputTypeInfoIndex = 34;
    private const int SessionGetInputNameIndex = 36;
    private const int SessionGetOutputNameIndex = 37;
    private const int CreateTensorWithDataAsOrtValueIndex = 49;
    private const int CastTypeInfoToTensorInfoIndex = 55;
    private const int GetTensorElementTypeIndex = 60;
    private const int GetDimensionsCountIndex = 61;
    private const int GetDimensionsIndex = 62;
    private const int GetSymbolicDimensionsIndex = 63;
    private const int CreateCpuMemoryInfoIndex = 69;
    private const int AllocatorFreeIndex = 76;
    private const int GetAllocatorWithDefaultOptionsIndex = 78;
    private const int ReleaseStatusIndex = 93;
    private const int ReleaseSessionIndex = 95;
    private const int ReleaseValueIndex = 96;
    private const int ReleaseTypeInfoIndex = 98;
    private const int ReleaseSessionOptionsIndex = 100;
    private const int AddSessionConfigEntryIndex = 130;
    private const int AddInitializerIndex = 150;
    private const int GetTensorDataIndex = 378;
    private const int GetTensorElementTypeAndShapeDataReferenceIndex = 414;

    private static readonly Lock Gate = new();
    private static nint* table;
    private static nint library;
    private static string libraryPath = "";
    private static string versionString = "";

    /// <summary>The path the library was loaded from (the override or the copy beside the application).</summary>
    public static string LibraryPath { get { EnsureLoaded(); return libraryPath; } }

    /// <summary>The runtime's own version string, e.g. "1.30.0".</summary>
    public static string VersionString { get { EnsureLoaded(); return versionString; } }

    private static nint* T
    {
        get
        {
            var t = table;
            if (t == null) { EnsureLoaded(); t = table; }
            return t;
        }
    }

    public static void EnsureLoaded()
    {
        if (table != null) return;
        lock (Gate)
        {
            if (table != null) return;
            var path = ResolveLibraryPath();
            var (handle, api, version) = Open(path);
            library = handle;
            libraryPath = path;
            versionString = version;
            table = (nint*)api;
        }
    }

    /// <summary>Loads <paramref name="path"/> and asks it for the version-30 table; every way this can fail is a typed error naming the file.</summary>
    internal static (nint Handle, nint Api, string Version) Open(string path)
    {
        if (!NativeLibrary.TryLoad(path, out var handle))
            throw new OrtLibraryException(path, "cannot be loaded as a shared library",
                $"Install ONNX Runtime {RequiredVersionText} or unset {LibraryOverrideVariable} to use the copy shipped beside Evolve");
        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
        {
            NativeLibrary.Free(handle);
            throw new OrtLibraryException(path, "exports no OrtGetApiBase, so it is not ONNX Runtime",
                $"Point {LibraryOverrideVariable} at libonnxruntime.so of ONNX Runtime {RequiredVersionText}");
        }
        var apiBase = (nint*)((delegate* unmanaged<nint>)getApiBase)();
        var version = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)apiBase[1])()) ?? "?";
        var api = (nint*)((delegate* unmanaged<uint, nint>)apiBase[0])(ApiVersion);
        if (api == null)
            throw new OrtLibraryException(path, $"is ONNX Runtime {version}, which does not provide C API version {ApiVersion}",
                $"Use ONNX Runtime {RequiredVersionText} (set {LibraryOverrideVariable} to its libonnxruntime.so)");
        return (handle, (nint)api, version);
    }

    internal const string RequiredVersionText = "1.30 or newer";

    private static string ResolveLibraryPath() => ResolveLibraryPath(Environment.GetEnvironmentVariable(LibraryOverrideVariable));

    internal static string ResolveLibraryPath(string? overridePath)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            var full = Path.GetFullPath(overridePath);
            if (!File.Exists(full))
                throw new OrtLibraryException(full, $"does not exist (named by {LibraryOverrideVariable})",
                    $"Point {LibraryOverrideVariable} at an existing libonnxruntime.so, or unset it");
            return full;
        }
        var beside = Path.Combine(AppContext.BaseDirectory, LibraryFileName);
        if (!File.Exists(beside))
            throw new OrtLibraryException(beside, "is missing",
                $"Rebuild Evolve (the build fetches it) or set {LibraryOverrideVariable} to an ONNX Runtime {RequiredVersionText} library");
        return beside;
    }

    /// <summary>The loaded library handle, for the provider entry points exported outside the table.</summary>
    public static nint LibraryHandle { get { EnsureLoaded(); return library; } }

    /// <summary>Throws <see cref="OrtException"/> for a non-NULL status, after copying its message and releasing it.</summary>
    public static void Check(nint status, string operation)
    {
        if (status == 0) return;
        var t = T;
        var code = ((delegate* unmanaged<nint, int>)t[GetErrorCodeIndex])(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)t[GetErrorMessageIndex])(status)) ?? "";
        ((delegate* unmanaged<nint, void>)t[ReleaseStatusIndex])(status);
        throw new OrtException((OrtErrorCode)code, operation, message);
    }

    public static nint CreateEnvWithCustomLogger(delegate* unmanaged<nint, int, byte*, byte*, byte*, byte*, void> logger, int level, string logId)
    {
        nint env;
        var id = Utf8(logId);
        fixed (byte* p = id)
            Check(((delegate* unmanaged<nint, nint, int, byte*, nint*, nint>)T[CreateEnvWithCustomLoggerIndex])((nint)logger, 0, level, p, &env),
                "CreateEnvWithCustomLogger");
        return env;
    }

    public static nint CreateSessionOptions()
    {
        nint options;
        Check(((delegate* unmanaged<nint*, nint>)T[CreateSessionOptionsIndex])(&options), "CreateSessionOptions");
        return options;
    }

    public static void SetGraphOptimizationLevel(nint options, int level) =>
        Check(((delegate* unmanaged<nint, int, nint>)T[SetSessionGraphOptimizationLevelIndex])(options, level), "SetSessionGraphOptimizationLevel");

    public static void SetIntraOpNumThreads(nint options, int threads) =>
        Check(((delegate* unmanaged<nint, int, nint>)T[SetIntraOpNumThreadsIndex])(options, threads), "SetIntraOpNumThreads");

    public static void SetInterOpNumThreads(nint options, int threads) =>
        Check(((delegate* unmanaged<nint, int, nint>)T[SetInterOpNumThreadsIndex])(options, threads), "SetInterOpNumThreads");

    public static void AddSessionConfigEntry(nint options, string key, string value)
    {
        var k = Utf8(key);
        var v = Utf8(value);
        fixed (byte* pk = k)
        fixed (byte* pv = v)
            Check(((delegate* unmanaged<nint, byte*, byte*, nint>)T[AddSessionConfigEntryIndex])(options, pk, pv), "AddSessionConfigEntry");
    }

    public static void AddInitializer(nint options, string name, nint value)
    {
        var n = Utf8(name);
        fixed (byte* pn = n)
            Check(((delegate* unmanaged<nint, byte*, nint, nint>)T[AddInitializerIndex])(options, pn, value), "AddInitializer");
    }

    /// <summary>
    /// Appends the CUDA provider through the library's exported entry point (it is not in the OrtApi table). A build
    /// without libonnxruntime_providers_cuda.so beside it fails here with "Failed to load shared library".
    /// </summary>
    public static void AppendCudaProvider(nint options, int deviceId)
    {
        if (!NativeLibrary.TryGetExport(LibraryHandle, "OrtSessionOptionsAppendExecutionProvider_CUDA", out var append))
            throw new OrtException(OrtErrorCode.NotImplemented, "OrtSessionOptionsAppendExecutionProvider_CUDA", "the library does not export it");
        Check(((delegate* unmanaged<nint, int, nint>)append)(options, deviceId), "OrtSessionOptionsAppendExecutionProvider_CUDA");
    }

    public static void ReleaseSessionOptions(nint options) => ((delegate* unmanaged<nint, void>)T[ReleaseSessionOptionsIndex])(options);

    public static nint CreateSession(nint env, string modelPath, nint options)
    {
        nint session;
        var p = Utf8(modelPath);
        fixed (byte* pp = p)
            Check(((delegate* unmanaged<nint, byte*, nint, nint*, nint>)T[CreateSessionIndex])(env, pp, options, &session), "CreateSession");
        return session;
    }

    public static nint CreateSessionFromArray(nint env, ReadOnlySpan<byte> model, nint options)
    {
        nint session;
        fixed (byte* pm = model)
            Check(((delegate* unmanaged<nint, byte*, nuint, nint, nint*, nint>)T[CreateSessionFromArrayIndex])(env, pm, (nuint)model.Length, options, &session),
                "CreateSessionFromArray");
        return session;
    }

    public static void ReleaseSession(nint session) => ((delegate* unmanaged<nint, void>)T[ReleaseSessionIndex])(session);

    public static void Run(nint session, nint* inputNames, nint* inputs, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputs) =>
        Check(((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)T[RunIndex])(
            session, 0, inputNames, inputs, inputCount, outputNames, outputCount, outputs), "Run");

    public static int SessionInputCount(nint session)
    {
        nuint n;
        Check(((delegate* unmanaged<nint, nuint*, nint>)T[SessionGetInputCountIndex])(session, &n), "SessionGetInputCount");
        return checked((int)n);
    }

    public static int SessionOutputCount(nint session)
    {
        nuint n;
        Check(((delegate* unmanaged<nint, nuint*, nint>)T[SessionGetOutputCountIndex])(session, &n), "SessionGetOutputCount");
        return checked((int)n);
    }

    public static string SessionInputName(nint session, int index) => SessionName(session, index, SessionGetInputNameIndex, "SessionGetInputName");

    public static string SessionOutputName(nint session, int index) => SessionName(session, index, SessionGetOutputNameIndex, "SessionGetOutputName");

    private static string SessionName(nint session, int index, int entry, string operation)
    {
        var allocator = DefaultAllocator();
        nint name;
        Check(((delegate* unmanaged<nint, nuint, nint, nint*, nint>)T[entry])(session, (nuint)index, allocator, &name), operation);
        try { return Marshal.PtrToStringUTF8(name) ?? ""; }
        finally { Check(((delegate* unmanaged<nint, nint, nint>)T[AllocatorFreeIndex])(allocator, name), "AllocatorFree"); }
    }

    /// <summary>Element type and dims (-1 where dynamic) with their symbolic names ("" where none) of a session input or output.</summary>
    public static (int ElementType, long[] Dims, string[] Symbols) SessionInputType(nint session, int index) =>
        SessionType(session, index, SessionGetInputTypeInfoIndex, "SessionGetInputTypeInfo");

    public static (int ElementType, long[] Dims, string[] Symbols) SessionOutputType(nint session, int index) =>
        SessionType(session, index, SessionGetOutputTypeInfoIndex, "SessionGetOutputTypeInfo");

    private static (int, long[], string[]) SessionType(nint session, int index, int entry, string operation)
    {
        nint typeInfo;
        Check(((delegate* unmanaged<nint, nuint, nint*, nint>)T[entry])(session, (nuint)index, &typeInfo), operation);
        try
        {
            nint tensorInfo;
            Check(((delegate* unmanaged<nint, nint*, nint>)T[CastTypeInfoToTensorInfoIndex])(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
            if (tensorInfo == 0) return (0, [], []);
            int elementType;
            Check(((delegate* unmanaged<nint, int*, nint>)T[GetTensorElementTypeIndex])(tensorInfo, &elementType), "GetTensorElementType");
            nuint rank;
            Check(((delegate* unmanaged<nint, nuint*, nint>)T[GetDimensionsCountIndex])(tensorInfo, &rank), "GetDimensionsCount");
            var dims = new long[(int)rank];
            var symbols = new string[(int)rank];
            var symbolPointers = stackalloc nint[(int)rank];
            fixed (long* pd = dims)
                Check(((delegate* unmanaged<nint, long*, nuint, nint>)T[GetDimensionsIndex])(tensorInfo, pd, rank), "GetDimensions");
            Check(((delegate* unmanaged<nint, nint*, nuint, nint>)T[GetSymbolicDimensionsIndex])(tensorInfo, symbolPointers, rank), "GetSymbolicDimensions");
            for (var i = 0; i < symbols.Length; i++)
                symbols[i] = Marshal.PtrToStringUTF8(symbolPointers[i]) ?? "";
            return (elementType, dims, symbols);
        }
        finally
        {
            ((delegate* unmanaged<nint, void>)T[ReleaseTypeInfoIndex])(typeInfo);
        }
    }

    public static nint CreateCpuMemoryInfo()
    {
        nint info;
        Check(((delegate* unmanaged<int, int, nint*, nint>)T[CreateCpuMemoryInfoIndex])(1, 0, &info), "CreateCpuMemoryInfo");
        return info;
    }

    public static nint CreateTensorWithData(nint memoryInfo, nint data, nuint byteLength, ReadOnlySpan<long> shape, int elementType)
    {
        nint value;
        fixed (long* ps = shape)
            Check(((delegate* unmanaged<nint, nint, nuint, long*, nuint, int, nint*, nint>)T[CreateTensorWithDataAsOrtValueIndex])(
                memoryInfo, data, byteLength, ps, (nuint)shape.Length, elementType, &value), "CreateTensorWithDataAsOrtValue");
        return value;
    }

    public static void ReleaseValue(nint value) => ((delegate* unmanaged<nint, void>)T[ReleaseValueIndex])(value);

    public static nint TensorData(nint value)
    {
        nint data;
        Check(((delegate* unmanaged<nint, nint*, nint>)T[GetTensorDataIndex])(value, &data), "GetTensorData");
        return data;
    }

    /// <summary>Element type and shape of a tensor value, read without allocation on ORT's side.</summary>
    public static (int ElementType, long[] Shape) TensorTypeAndShape(nint value)
    {
        int elementType;
        long* shape;
        nuint rank;
        Check(((delegate* unmanaged<nint, int*, long**, nuint*, nint>)T[GetTensorElementTypeAndShapeDataReferenceIndex])(value, &elementType, &shape, &rank),
            "GetTensorElementTypeAndShapeDataReference");
        return (elementType, new ReadOnlySpan<long>(shape, (int)rank).ToArray());
    }

    private static nint DefaultAllocator()
    {
        nint allocator;
        Check(((delegate* unmanaged<nint*, nint>)T[GetAllocatorWithDefaultOptionsIndex])(&allocator), "GetAllocatorWithDefaultOptions");
        return allocator;
    }

    /// <summary>NUL-terminated UTF-8.</summary>
    public static byte[] Utf8(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
