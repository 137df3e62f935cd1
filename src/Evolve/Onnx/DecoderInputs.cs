namespace Evolve.Onnx;

/// <summary>
/// The inputs a causal-LM graph asks for, for one batch of equally long token rows and no history: input_ids,
/// attention_mask of ones, position_ids 0..S-1, and every past key/value input with a past length of 0. Which of
/// these a graph takes is read from its declared inputs, so torch.onnx, optimum and onnxruntime-genai exports all fit.
/// </summary>
internal static class DecoderInputs
{
    public static List<NamedTensor> ForTokens(IReadOnlyList<OrtTensorDescription> inputs, long[][] tokens)
    {
        var batch = tokens.Length;
        var length = tokens[0].Length;
        if (tokens.Any(row => row.Length != length)) throw new ArgumentException("token rows must be equally long", nameof(tokens));
        var result = new List<NamedTensor>(inputs.Count);
        try
        {
            foreach (var input in inputs)
                result.Add(input.Name switch
                {
                    "input_ids" => Integers(input, [batch, length], (b, s) => tokens[b][s]),
                    "attention_mask" => Integers(input, [batch, length], (_, _) => 1),
                    "position_ids" => Integers(input, [batch, length], (_, s) => s),
                    _ when IsPast(input.Name) => EmptyPast(input, batch),
                    _ => throw new ArgumentException($"the graph input '{input}' is not one a decoder feed knows how to fill", nameof(inputs)),
                });
            return result;
        }
        catch
        {
            foreach (var t in result) t.Dispose();
            throw;
        }
    }

    public static bool IsPast(string inputName) => inputName.StartsWith("past", StringComparison.Ordinal);

    public static NamedTensor Integers(OrtTensorDescription input, long[] shape, Func<int, int, long> value)
    {
        var tensor = NamedTensor.Allocate(input.Name, input.ElementType, shape);
        var columns = (int)shape[1];
        switch (input.ElementType)
        {
            case TensorElementType.Int64:
                var longs = tensor.Buffer.AsSpan<long>();
                for (var i = 0; i < longs.Length; i++) longs[i] = value(i / columns, i % columns);
                break;
            case TensorElementType.Int32:
                var ints = tensor.Buffer.AsSpan<int>();
                for (var i = 0; i < ints.Length; i++) ints[i] = checked((int)value(i / columns, i % columns));
                break;
            default:
                tensor.Dispose();
                throw new ArgumentException($"the graph input '{input}' is neither int64 nor int32");
        }
        return tensor;
    }

    /// <summary>Batch-like symbolic dims take the batch size, every other dynamic dim is the (empty) past length.</summary>
    public static NamedTensor EmptyPast(OrtTensorDescription input, int batch)
    {
        var shape = new long[input.Dims.Length];
        for (var i = 0; i < shape.Length; i++)
            shape[i] = input.Dims[i] >= 0 ? input.Dims[i]
                : input.SymbolicDims[i].Contains("batch", StringComparison.OrdinalIgnoreCase) ? batch : 0;
        return NamedTensor.Allocate(input.Name, input.ElementType, shape);
    }
}
