using Evolve.Cli;

namespace Evolve.Tests.Checkpoints;

public class BenchLoadCommandTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public void BenchLoadRefusesSizesBelowOneTensor(string sizeMb)
    {
        var error = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["bench", "load", "--size-mb", sizeMb], new StringWriter(), error));
        Assert.Contains("--size-mb must be at least 32", error.ToString());
    }

    [Fact]
    public void BenchLoadDefaultsPassValidation()
    {
        var root = new System.CommandLine.RootCommand();
        root.Subcommands.Add(Evolve.Cli.Commands.BenchCommand.Create(TextWriter.Null));
        Assert.Empty(root.Parse(["bench", "load"]).Errors);
        Assert.Empty(root.Parse(["bench", "load", "--size-mb", "64", "--repetitions", "3"]).Errors);
    }
}
