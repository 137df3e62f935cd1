using Evolve.Checkpoints;
using Evolve.Onnx;
using Evolve.Onnx.Native;

namespace Evolve.Proxy;

/// <summary>
/// A graph's logits output [batch, length, vocab] read in place: float32 positions are spans over ORT's own memory,
/// float16/bfloat16 positions are converted one at a time into a scratch row. Owns the output value.
/// </summary>
internal sealed unsafe class OrtLogits : ForwardLogits, IDisposable
{
    private readonly OrtTensor _value;
    private readonly byte* _data;
    private readonly TensorElementType _type;
    private readonly int _length;
    private readonly int _vocab;
    private readonly float[] _scratch;

    public OrtLogits(OrtTensor value, int vocab)
    {
        _value = value;
        _type = value.ElementType;
        var shape = value.Shape;
        _length = (int)shape[1];
        _vocab = vocab;
        _data = (byte*)OrtApi.TensorData(value.Value);
        _scratch = _type == TensorElementType.Float ? [] : new float[vocab];
    }

    public override ReadOnlySpan<float> At(int row, int position)
    {
        var offset = ((long)row * _length + position) * _vocab;
        if (_type == TensorElementType.Float)
            return new ReadOnlySpan<float>((float*)_data + offset, _vocab);
        var size = _type.Size();
        FloatConversion.ToSingle(new ReadOnlySpan<byte>(_data + offset * size, _vocab * size), _type.StorageDType(), _scratch);
        return _scratch;
    }

    public void Dispose() => _value.Dispose();
}
