using System.CommandLine;
using Evolve.Cli.Commands;
using Evolve.Errors;
using Evolve.Onnx;

namespace Evolve.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 ok, 1 internal failure, 2 bad input or usage.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int InternalFailure = 1;
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("Evolve: find the best merge of fine-tuned checkpoints that share a base.");
        foreach (var command in CommandCatalog.All(stdout, stderr))
            root.Subcommands.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"evolve: {error.Message}");
            return BadInput;
        }
        // ONNX Runtime's own warnings and errors (from any command that runs a graph) go to stderr as plain lines.
        using var ortLog = OrtLog.Subscribe(entry =>
        {
            lock (stderr) stderr.WriteLine($"onnxruntime {entry.Severity.ToString().ToLowerInvariant()}: {entry.Message}");
        });
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (EvolveInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return InternalFailure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine(e.StackTrace);
            return InternalFailure;
        }
    }
}
