namespace Evolve.Checkpoints;

/// <summary>A tensor's header entry in one safetensors file: its info and byte range within the data section.</summary>
internal readonly record struct StoredTensor(TensorInfo Info, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
