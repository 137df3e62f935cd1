namespace Evolve.Search.Store;

/// <summary>
/// The tables of <c>run.db</c>. Bump <see cref="Version"/> with every change; older files are refused with a located error.
/// <list type="bullet">
/// <item><c>run</c>: the search space YAML text, seed, optimizer, tool version; <c>settings</c> is the JSON of
/// <see cref="RunSettings"/> (space file path, budget, hours, in-flight, racing), what a resume starts from.</item>
/// <item><c>candidates</c>: every told candidate in tell order (<c>sequence</c>); <c>fitness*</c> is the search-split
/// estimate and 95% interval (partial for raced-out ones); <c>items_evaluated</c> items were scored and racing saved
/// <c>items_saved</c> more; <c>timings_ms</c> a JSON object of milliseconds per phase (merge, bind, score, total);
/// <c>served_from</c> the candidate whose identical recipe supplied the result.</item>
/// <item><c>item_scores</c>: per item of the search split, the raw score under the task's metric.</item>
/// <item><c>checkpoint</c>: the optimizer state after the last tell; <c>hall_of_fame</c>: candidate ids, rank 0 the incumbent.</item>
/// <item><c>heldout</c>: written at the end of a run, one row per hall-of-fame rank: search fitness and interval,
/// held-out fitness and interval over <c>heldout_items</c> items, <c>gap</c> = search − held-out, or <c>failure</c>;
/// <c>heldout_item_scores</c> the held-out items' raw scores.</item>
/// <item><c>sessions</c>: one row per start or resume: when, why it stopped, candidates told and evaluated.</item>
/// </list>
/// </summary>
internal static class RunStoreSchema
{
    public const int Version = 2;

    public const string Create = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE run (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            search_space TEXT NOT NULL,
            seed INTEGER NOT NULL,
            optimizer TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            settings TEXT NOT NULL);
        CREATE TABLE candidates (
            id INTEGER PRIMARY KEY,
            sequence INTEGER NOT NULL UNIQUE,
            genome BLOB NOT NULL,
            recipe TEXT NOT NULL,
            recipe_hash TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'raced-out')),
            failure TEXT,
            fitness REAL,
            fitness_low REAL,
            fitness_high REAL,
            fitness_items INTEGER,
            items_evaluated INTEGER NOT NULL,
            items_saved INTEGER NOT NULL,
            timings_ms TEXT NOT NULL,
            served_from INTEGER,
            committed_utc TEXT NOT NULL);
        CREATE INDEX candidates_by_recipe ON candidates (recipe_hash);
        CREATE TABLE item_scores (
            candidate INTEGER NOT NULL REFERENCES candidates (id),
            task TEXT NOT NULL,
            item TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (candidate, task, item));
        CREATE TABLE checkpoint (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            after_sequence INTEGER NOT NULL,
            optimizer_state TEXT NOT NULL);
        CREATE TABLE hall_of_fame (
            rank INTEGER PRIMARY KEY,
            candidate INTEGER NOT NULL REFERENCES candidates (id));
        CREATE TABLE heldout (
            rank INTEGER PRIMARY KEY,
            candidate INTEGER NOT NULL REFERENCES candidates (id),
            search_fitness REAL NOT NULL,
            search_low REAL NOT NULL,
            search_high REAL NOT NULL,
            heldout_fitness REAL,
            heldout_low REAL,
            heldout_high REAL,
            heldout_items INTEGER NOT NULL,
            gap REAL,
            failure TEXT,
            scored_utc TEXT NOT NULL);
        CREATE TABLE heldout_item_scores (
            candidate INTEGER NOT NULL REFERENCES candidates (id),
            task TEXT NOT NULL,
            item TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (candidate, task, item));
        CREATE TABLE sessions (
            started_utc TEXT NOT NULL,
            ended_utc TEXT NOT NULL,
            stop_reason TEXT NOT NULL,
            told INTEGER NOT NULL,
            evaluated INTEGER NOT NULL);
        """;
}
