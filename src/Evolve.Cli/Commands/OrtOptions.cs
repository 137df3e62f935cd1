using System.CommandLine;
using Evolve.Onnx;

namespace Evolve.Cli.Commands;

/// <summary>The ONNX Runtime options every scoring command shares.</summary>
internal sealed class OrtOptions
{
    private readonly Option<string> _device = new("--device") { Description = "cpu, or cuda with a CUDA build of ONNX Runtime (EVOLVE_ORT_LIB)", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core)", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _strategy = new("--strategy") { Description = "inputs: weights fed as graph inputs to one session; session: a session per weight set", DefaultValueFactory = _ => "inputs" };

    public OrtOptions()
    {
        _device.AcceptOnlyFromAmong("cpu", "cuda");
        _strategy.AcceptOnlyFromAmong("inputs", "session");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_device);
        command.Options.Add(_threads);
        command.Options.Add(_strategy);
    }

    public OrtSessionSettings Settings(ParseResult parse) => OrtSessionSettings.Default with
    {
        IntraOpThreads = parse.GetValue(_threads),
        Provider = parse.GetValue(_device) == "cuda" ? ExecutionProvider.Cuda : ExecutionProvider.Cpu,
    };

    public ScoringStrategy Strategy(ParseResult parse) =>
        parse.GetValue(_strategy) == "session" ? ScoringStrategy.SessionPerWeightSet : ScoringStrategy.WeightsAsInputs;
}
