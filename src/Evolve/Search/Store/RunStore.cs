using System.Globalization;
using System.Text.Json;
using Evolve.Proxy.Statistics;
using Microsoft.Data.Sqlite;

namespace Evolve.Search.Store;

/// <summary>
/// The run database (<c>runs/&lt;id&gt;/run.db</c>, DESIGN.md §4.9): SQLite in WAL mode, one transaction per told
/// candidate holding its row, its item scores, the optimizer checkpoint and the hall of fame, so a process killed at
/// any moment leaves every committed candidate whole and no partial one.
/// </summary>
internal sealed class RunStore : IDisposable
{
    private readonly SqliteConnection _connection;

    private RunStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>Creates a new run database; refuses to overwrite an existing file.</summary>
    public static RunStore Create(string path, RunInfo run)
    {
        if (File.Exists(path))
            throw new RunStoreException(path, "a run database already exists here", "resume it with --resume, or choose another run folder");
        var store = new RunStore(path, Connect(path, SqliteOpenMode.ReadWriteCreate));
        using var tx = store._connection.BeginTransaction();
        store.Execute(RunStoreSchema.Create);
        store.Execute("INSERT INTO schema_version (version) VALUES ($v)", ("$v", RunStoreSchema.Version));
        store.Execute(
            "INSERT INTO run (id, search_space, seed, optimizer, tool_version, created_utc, settings) VALUES (1, $space, $seed, $opt, $tool, $created, $settings)",
            ("$space", run.SearchSpace), ("$seed", unchecked((long)run.Seed)), ("$opt", run.Optimizer),
            ("$tool", run.ToolVersion), ("$created", run.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), ("$settings", run.Settings));
        tx.Commit();
        return store;
    }

    /// <summary>Opens an existing run database written by this schema version.</summary>
    public static RunStore Open(string path)
    {
        if (!File.Exists(path))
            throw new RunStoreException(path, "no run database here", "give the run folder of an earlier `evolve search`");
        SqliteConnection? connection = null;
        long version;
        try
        {
            connection = Connect(path, SqliteOpenMode.ReadWrite);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_version";
            version = Convert.ToInt64(command.ExecuteScalar() ?? -1L, CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw new RunStoreException(path, $"not an Evolve run database ({e.Message.TrimEnd('.')})", "give the run.db of an `evolve search` run", e);
        }
        if (version != RunStoreSchema.Version)
        {
            connection.Dispose();
            throw new RunStoreException(path, $"written with run store schema {version}, this Evolve reads schema {RunStoreSchema.Version}",
                "resume it with the Evolve version that created it, or start a new run");
        }
        return new RunStore(path, connection);
    }

    public RunInfo ReadRun()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT search_space, seed, optimizer, tool_version, created_utc, settings FROM run WHERE id = 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            throw new RunStoreException(Path, "the run table is empty", "start a new run");
        return new RunInfo(reader.GetString(0), unchecked((ulong)reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
            DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), reader.GetString(5));
    }

    /// <summary>
    /// Commits one told candidate with its item scores, and optionally the optimizer state after its tell and the new
    /// hall of fame (candidate ids, best first), in one transaction.
    /// </summary>
    public void Commit(CandidateRecord candidate, IReadOnlyList<StoredItemScore> items, string? optimizerState = null, IReadOnlyList<long>? hallOfFame = null)
    {
        using var tx = _connection.BeginTransaction();
        Execute("""
            INSERT INTO candidates (id, sequence, genome, recipe, recipe_hash, status, failure, fitness, fitness_low, fitness_high,
                                    fitness_items, items_evaluated, items_saved, timings_ms, served_from, committed_utc)
            VALUES ($id, $seq, $genome, $recipe, $hash, $status, $failure, $fit, $low, $high, $fitems, $items, $saved, $timings, $served, $at)
            """,
            ("$id", candidate.Id), ("$seq", candidate.Sequence), ("$genome", GenomeBlob.Write(candidate.Genome)),
            ("$recipe", candidate.Recipe), ("$hash", candidate.RecipeHash), ("$status", StatusText(candidate.Status)),
            ("$failure", candidate.Failure), ("$fit", candidate.Fitness?.Estimate), ("$low", candidate.Fitness?.Low),
            ("$high", candidate.Fitness?.High), ("$fitems", candidate.Fitness?.Count), ("$items", candidate.ItemsEvaluated), ("$saved", candidate.ItemsSaved),
            ("$timings", JsonSerializer.Serialize(candidate.TimingsMs)), ("$served", candidate.ServedFrom),
            ("$at", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        InsertScores("item_scores", candidate.Id, items);
        if (optimizerState is not null)
            Execute("INSERT OR REPLACE INTO checkpoint (id, after_sequence, optimizer_state) VALUES (1, $seq, $state)",
                ("$seq", candidate.Sequence), ("$state", optimizerState));
        if (hallOfFame is not null)
        {
            Execute("DELETE FROM hall_of_fame");
            for (var rank = 0; rank < hallOfFame.Count; rank++)
                Execute("INSERT INTO hall_of_fame (rank, candidate) VALUES ($r, $c)", ("$r", rank), ("$c", hallOfFame[rank]));
        }
        tx.Commit();
    }

    /// <summary>Every committed candidate in the order they were told.</summary>
    public IReadOnlyList<CandidateRecord> ReadCandidates() => QueryCandidates("ORDER BY sequence");

    /// <summary>The first committed candidate with this recipe hash that was not itself served from the archive.</summary>
    public CandidateRecord? FindByRecipeHash(string recipeHash) =>
        QueryCandidates("WHERE recipe_hash = $hash AND served_from IS NULL ORDER BY sequence LIMIT 1", ("$hash", recipeHash)).SingleOrDefault();

    public CandidateRecord? ReadCandidate(long id) => QueryCandidates("WHERE id = $id", ("$id", id)).SingleOrDefault();

    public IReadOnlyList<StoredItemScore> ReadItemScores(long candidateId) => ReadScores("item_scores", candidateId);

    public IReadOnlyList<StoredItemScore> ReadHeldOutItemScores(long candidateId) => ReadScores("heldout_item_scores", candidateId);

    /// <summary>Replaces the held-out results (one row per hall-of-fame rank) and their item scores, in one transaction.</summary>
    public void CommitHeldOut(IReadOnlyList<HeldOutResult> results)
    {
        using var tx = _connection.BeginTransaction();
        Execute("DELETE FROM heldout");
        Execute("DELETE FROM heldout_item_scores");
        var at = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var r in results)
        {
            Execute("""
                INSERT INTO heldout (rank, candidate, search_fitness, search_low, search_high, heldout_fitness, heldout_low, heldout_high,
                                     heldout_items, gap, failure, scored_utc)
                VALUES ($rank, $c, $sf, $sl, $sh, $hf, $hl, $hh, $items, $gap, $failure, $at)
                """,
                ("$rank", r.Rank), ("$c", r.Candidate), ("$sf", r.Search.Estimate), ("$sl", r.Search.Low), ("$sh", r.Search.High),
                ("$hf", r.HeldOut?.Estimate), ("$hl", r.HeldOut?.Low), ("$hh", r.HeldOut?.High), ("$items", r.HeldOut?.Count ?? 0),
                ("$gap", r.Gap), ("$failure", r.Failure), ("$at", at));
            InsertScores("heldout_item_scores", r.Candidate, r.Items);
        }
        tx.Commit();
    }

    public IReadOnlyList<HeldOutResult> ReadHeldOut()
    {
        using var command = Command("""
            SELECT rank, candidate, search_fitness, search_low, search_high, heldout_fitness, heldout_low, heldout_high, heldout_items, failure
            FROM heldout ORDER BY rank
            """);
        using var reader = command.ExecuteReader();
        var rows = new List<(int Rank, long Candidate, Interval Search, Interval? HeldOut, string? Failure)>();
        while (reader.Read())
            rows.Add((reader.GetInt32(0), reader.GetInt64(1), new Interval(reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), 0),
                reader.IsDBNull(5) ? null : new Interval(reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetInt32(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        return rows.Select(r => new HeldOutResult(r.Rank, r.Candidate, r.Search, r.HeldOut, ReadHeldOutItemScores(r.Candidate), r.Failure)).ToArray();
    }

    /// <summary>Replaces the run's settings JSON (a resume that raised the budget or changed the time limit).</summary>
    public void UpdateSettings(string settings) => Execute("UPDATE run SET settings = $s WHERE id = 1", ("$s", settings));

    /// <summary>Appends one start or resume of the run: when it ran, why it stopped, how many candidates it told and evaluated.</summary>
    public void RecordSession(DateTimeOffset started, string stopReason, long told, long evaluated) =>
        Execute("INSERT INTO sessions (started_utc, ended_utc, stop_reason, told, evaluated) VALUES ($s, $e, $r, $t, $v)",
            ("$s", started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), ("$e", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            ("$r", stopReason), ("$t", told), ("$v", evaluated));

    public IReadOnlyList<string> ReadSessionStopReasons()
    {
        using var command = Command("SELECT stop_reason FROM sessions ORDER BY rowid");
        using var reader = command.ExecuteReader();
        var reasons = new List<string>();
        while (reader.Read())
            reasons.Add(reader.GetString(0));
        return reasons;
    }

    private IReadOnlyList<StoredItemScore> ReadScores(string table, long candidateId)
    {
        using var command = Command($"SELECT task, item, value FROM {table} WHERE candidate = $c ORDER BY task, item", ("$c", candidateId));
        using var reader = command.ExecuteReader();
        var scores = new List<StoredItemScore>();
        while (reader.Read())
            scores.Add(new StoredItemScore(reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
        return scores;
    }

    /// <summary>The latest optimizer state and the tell sequence after which it was taken, or null before the first commit.</summary>
    public (long AfterSequence, string State)? ReadCheckpoint()
    {
        using var command = Command("SELECT after_sequence, optimizer_state FROM checkpoint WHERE id = 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public IReadOnlyList<long> ReadHallOfFame()
    {
        using var command = Command("SELECT candidate FROM hall_of_fame ORDER BY rank");
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    public void Dispose() => _connection.Dispose();

    private void InsertScores(string table, long candidateId, IReadOnlyList<StoredItemScore> items)
    {
        if (items.Count == 0)
            return;
        using var insert = _connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} (candidate, task, item, value) VALUES ($c, $task, $item, $value)";
        var task = insert.Parameters.Add("$task", SqliteType.Text);
        var item = insert.Parameters.Add("$item", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Real);
        insert.Parameters.AddWithValue("$c", candidateId);
        foreach (var score in items)
        {
            task.Value = score.Task;
            item.Value = score.Item;
            value.Value = score.Value;
            insert.ExecuteNonQuery();
        }
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        // No pooling: the file must be closed when the store is disposed (tests reopen it, users copy run folders).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // WAL with synchronous=NORMAL: a committed transaction survives the process being killed (it is in the WAL
        // the OS holds); only a power cut may drop the last commits, and never leaves a torn one.
        pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private List<CandidateRecord> QueryCandidates(string tail, params (string Name, object? Value)[] parameters)
    {
        using var command = Command($"""
            SELECT id, sequence, genome, recipe, recipe_hash, status, failure, fitness, fitness_low, fitness_high, fitness_items,
                   items_evaluated, timings_ms, served_from, items_saved
            FROM candidates {tail}
            """, parameters);
        using var reader = command.ExecuteReader();
        var records = new List<CandidateRecord>();
        while (reader.Read())
        {
            Interval? fitness = reader.IsDBNull(7)
                ? null
                : new Interval(reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9), reader.GetInt32(10));
            records.Add(new CandidateRecord(
                reader.GetInt64(0), reader.GetInt64(1), GenomeBlob.Read((byte[])reader.GetValue(2)), reader.GetString(3),
                reader.GetString(4), ParseStatus(reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetString(6), fitness,
                reader.GetInt32(11), JsonSerializer.Deserialize<Dictionary<string, double>>(reader.GetString(12)) ?? [],
                reader.IsDBNull(13) ? null : reader.GetInt64(13), reader.GetInt32(14)));
        }
        return records;
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }

    private static string StatusText(CandidateStatus status) => status switch
    {
        CandidateStatus.Ok => "ok",
        CandidateStatus.Failed => "failed",
        _ => "raced-out",
    };

    private static CandidateStatus ParseStatus(string text) => text switch
    {
        "ok" => CandidateStatus.Ok,
        "failed" => CandidateStatus.Failed,
        "raced-out" => CandidateStatus.RacedOut,
        _ => throw new InvalidDataException($"unknown candidate status '{text}'"),
    };
}
