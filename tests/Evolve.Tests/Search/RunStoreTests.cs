using Evolve.Proxy.Statistics;
using Evolve.Search.Store;
using Evolve.Tests.Child;
using Microsoft.Data.Sqlite;

namespace Evolve.Tests.Search;

public class RunStoreTests
{
    private static readonly RunInfo Run = new("base: m0\nmodels: [m1, m2]\n", ulong.MaxValue - 5, "cmaes", "0.1.0+abc", new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero));

    private static string NewDb() => Path.Combine(RepoPaths.NewTempDir("runstore"), "run.db");

    private static CandidateRecord Candidate(long id, long seq, CandidateStatus status, string recipe, long? servedFrom = null) => new(
        id, seq, [-0.0, double.Epsilon, 1.0 / 3, 1e308, id], recipe, RecipeHash.Of(recipe), status,
        status == CandidateStatus.Failed ? "ORT error: out of memory" : null,
        status == CandidateStatus.Failed ? null : new Interval(0.61 + id, 0.52, 0.7, 50),
        status == CandidateStatus.RacedOut ? 12 : status == CandidateStatus.Ok ? 50 : 0,
        new Dictionary<string, double> { ["merge"] = 12.5, ["bind"] = 0.25, ["score"] = 310 },
        servedFrom);

    [Fact]
    public void Candidates_item_scores_checkpoint_and_hall_of_fame_round_trip_bit_for_bit()
    {
        var path = NewDb();
        using (var store = RunStore.Create(path, Run))
        {
            store.Commit(Candidate(1, 0, CandidateStatus.Ok, "a"), [new("arith", "q2", 0.25), new("arith", "q1", -1.5)], "{\"s\":0}", [1]);
            store.Commit(Candidate(0, 1, CandidateStatus.Failed, "b"), [], "{\"s\":1}");
            store.Commit(Candidate(2, 2, CandidateStatus.RacedOut, "c"), [new("qa", "x", 1)], "{\"s\":2}", [1, 2]);
            store.Commit(Candidate(3, 3, CandidateStatus.Ok, "a", servedFrom: 1), []);
        }
        using (var store = RunStore.Open(path))
        {
            Assert.Equal(Run, store.ReadRun());
            var all = store.ReadCandidates();
            Assert.Equal([1L, 0, 2, 3], all.Select(c => c.Id));
            var expected = Candidate(1, 0, CandidateStatus.Ok, "a");
            Assert.Equal(expected.Genome.Select(BitConverter.DoubleToInt64Bits), all[0].Genome.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Fitness, all[0].Fitness);
            Assert.Equal(expected.TimingsMs, all[0].TimingsMs);
            Assert.Equal("ORT error: out of memory", all[1].Failure);
            Assert.Null(all[1].Fitness);
            Assert.Equal(CandidateStatus.RacedOut, all[2].Status);
            Assert.Equal(12, all[2].ItemsEvaluated);
            Assert.Equal(1, all[3].ServedFrom);
            Assert.Equal([new StoredItemScore("arith", "q1", -1.5), new StoredItemScore("arith", "q2", 0.25)], store.ReadItemScores(1));
            Assert.Equal((2L, "{\"s\":2}"), store.ReadCheckpoint());
            Assert.Equal([1L, 2], store.ReadHallOfFame());
            Assert.Equal(1, store.FindByRecipeHash(RecipeHash.Of("a"))!.Id);
            Assert.Null(store.FindByRecipeHash(RecipeHash.Of("z")));
        }
    }

    [Fact]
    public void The_recipe_hash_is_sha256_of_the_utf8_text()
    {
        // sha256("abc") from FIPS 180-2, appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RecipeHash.Of("abc"));
    }

    [Fact]
    public void A_failing_commit_leaves_nothing_of_the_candidate()
    {
        var path = NewDb();
        using var store = RunStore.Create(path, Run);
        store.Commit(Candidate(1, 0, CandidateStatus.Ok, "a"), [new("arith", "q1", 1)], "{\"s\":0}", [1]);
        // The candidate row goes in, then its second item score breaks the (candidate, task, item) key: the whole
        // transaction, row and first item included, must roll back.
        Assert.Throws<SqliteException>(() =>
            store.Commit(Candidate(2, 1, CandidateStatus.Ok, "b"), [new("arith", "q9", 2), new("arith", "q9", 3)], "{\"s\":1}", [2]));
        Assert.Single(store.ReadCandidates());
        Assert.Equal([new StoredItemScore("arith", "q1", 1)], store.ReadItemScores(1));
        Assert.Empty(store.ReadItemScores(2));
        Assert.Equal((0L, "{\"s\":0}"), store.ReadCheckpoint());
        Assert.Equal([1L], store.ReadHallOfFame());
    }

    [Fact]
    public void Bad_run_databases_are_refused_with_the_path_and_what_to_do()
    {
        var dir = RepoPaths.NewTempDir("runstore-bad");
        var missing = Path.Combine(dir, "missing.db");
        Assert.Equal($"{missing}: no run database here. give the run folder of an earlier `evolve search`",
            Assert.Throws<RunStoreException>(() => RunStore.Open(missing)).Message);

        var text = Path.Combine(dir, "notes.db");
        File.WriteAllText(text, "these are not the pages of a database, just some text that is long enough to look like a header\n");
        var notDb = Assert.Throws<RunStoreException>(() => RunStore.Open(text));
        Assert.StartsWith($"{text}: not an Evolve run database (", notDb.Message);

        var other = Path.Combine(dir, "other.db");
        using (var c = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (x); ";
            cmd.ExecuteNonQuery();
        }
        Assert.StartsWith($"{other}: not an Evolve run database (SQLite Error 1: 'no such table: schema_version'",
            Assert.Throws<RunStoreException>(() => RunStore.Open(other)).Message);

        var future = Path.Combine(dir, "future.db");
        RunStore.Create(future, Run).Dispose();
        using (var c = new SqliteConnection($"Data Source={future};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE schema_version SET version = 7";
            cmd.ExecuteNonQuery();
        }
        Assert.Equal($"{future}: written with run store schema 7, this Evolve reads schema 2. resume it with the Evolve version that created it, or start a new run",
            Assert.Throws<RunStoreException>(() => RunStore.Open(future)).Message);
        Assert.Equal($"{future}: a run database already exists here. resume it with --resume, or choose another run folder",
            Assert.Throws<RunStoreException>(() => RunStore.Create(future, Run)).Message);
    }

    [Fact]
    public void Killing_the_writer_mid_way_keeps_every_committed_candidate_whole_and_no_partial_one()
    {
        var path = NewDb();
        var child = ChildProcess.Start("write-candidates", path, "100000");
        var lastSeen = -1L;
        ChildProcess.KillWhen(child, line =>
        {
            lastSeen = long.Parse(line["committed ".Length..]);
            return lastSeen >= 150;
        });
        Assert.NotEqual(0, child.ExitCode);

        using var store = RunStore.Open(path);
        var candidates = store.ReadCandidates();
        // The child printed "committed 150" and may have committed a few more before the kill landed.
        Assert.True(candidates.Count >= 151 && candidates.Count < 100000, $"{candidates.Count} candidates");
        for (var i = 0; i < candidates.Count; i++)
        {
            var expected = StoreWriter.Expected(i);
            var actual = candidates[i];
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.Genome.Select(BitConverter.DoubleToInt64Bits), actual.Genome.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Recipe, actual.Recipe);
            Assert.Equal(expected.RecipeHash, actual.RecipeHash);
            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.Failure, actual.Failure);
            Assert.Equal(expected.Fitness, actual.Fitness);
            Assert.Equal(StoreWriter.ExpectedItems(i), store.ReadItemScores(i));
        }
        var last = candidates.Count - 1;
        Assert.Equal((last, StoreWriter.ExpectedState(last)), store.ReadCheckpoint());
        Assert.Equal([(long)last], store.ReadHallOfFame());
        Assert.Empty(store.ReadItemScores(candidates.Count));
    }
}
