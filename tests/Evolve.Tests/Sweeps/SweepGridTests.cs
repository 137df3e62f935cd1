using Evolve.Sweeps;

namespace Evolve.Tests.Sweeps;

public class SweepGridTests
{
    [Fact]
    public void A_range_includes_its_stop_and_rounds_away_float_steps()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], SweepGrid.Parse("0:1:0.2"));
        var tenths = SweepGrid.Parse("0:1:0.1");
        Assert.Equal(11, tenths.Length);
        Assert.Equal(0.3, tenths[3]);
        Assert.Equal([0.5, 1, 1.5, 2], SweepGrid.Parse("0.5:2:0.5"));
    }

    [Fact]
    public void A_list_is_sorted() => Assert.Equal([0, 0.3, 1.5], SweepGrid.Parse("1.5, 0, 0.3"));

    [Theory]
    [InlineData("0:1", "not start:stop:step")]
    [InlineData("1:0:0.1", "start <= stop")]
    [InlineData("0:1:0", "positive step")]
    [InlineData("0:1:0.6", "gives 2 value(s)")]
    [InlineData("0,1", "gives 2 value(s)")]
    [InlineData("0,x,1", "'x' in '0,x,1' is not a finite number")]
    [InlineData("0,0.5,0.5,1", "repeats the value 0.5")]
    [InlineData("0:1000:0.5", "2001 points")]
    public void Bad_grids_say_what_is_wrong(string text, string problem)
    {
        var e = Assert.Throws<SweepException>(() => SweepGrid.Parse(text));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith("option --grid: ", e.Message);
    }
}
