using Evolve.Cli;

namespace Evolve.Tests.Search;

public class SearchCommandTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var code = CliApp.Run(args, new StringWriter(), error);
        return (code, error.ToString());
    }

    [Fact]
    public void A_space_or_a_resume_folder_is_required_and_not_both()
    {
        Assert.Equal((CliApp.BadInput, "evolve: give a search space to start a run, or --resume RUN_FOLDER to continue one (not both)\n"), Run("search"));
        Assert.Equal(CliApp.BadInput, Run("search", "space.yaml", "--resume", "runs/x").Code);
        Assert.Equal((CliApp.BadInput, "evolve: --run-id, --no-racing and --seed-recipe apply to a new run; a resumed run keeps its own\n"), Run("search", "--resume", "runs/x", "--run-id", "y"));
        Assert.Equal((CliApp.BadInput, "evolve: --run-id, --no-racing and --seed-recipe apply to a new run; a resumed run keeps its own\n"), Run("search", "--resume", "runs/x", "--seed-recipe", "sweep-best.yaml"));
    }

    [Fact]
    public void Resuming_a_missing_run_exits_with_code_2_and_one_located_line()
    {
        var missing = Path.Combine(RepoPaths.NewTempDir("cli-resume"), "gone");
        var (code, error) = Run("search", "--resume", missing);
        Assert.Equal(CliApp.BadInput, code);
        Assert.EndsWith($"\nerror: {missing}: no run folder here. give the folder of an earlier `evolve search` run, e.g. runs/<id>\n", error);
    }
}
