namespace Evolve.Search.Store;

/// <summary>The tables of <c>run.db</c>. Bump <see cref="Version"/> with every change; older files are refused with a located error.</summary>
internal static class RunStoreSchema
{
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE run (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            search_space TEXT NOT NULL,
            seed INTEGER NOT NULL,
            optimizer TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            created_utc TEXT NOT NULL);
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
        """;
}
