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
}
