using System.Diagnostics;
using Evolve.Search.Genome;
using Evolve.Search.Optimizers;
using Evolve.Search.Store;
using Evolve.Search.Terminations;

namespace Evolve.Search;

/// <summary>
/// Drives optimizer ↔ evaluator and commits every told candidate to the run store. Its schedule is one rule, the
/// same live and on replay: ask until <see cref="SearchLoopSettings.InFlight"/> candidates are out, then tell
/// exactly one. Live, the one told is whichever finished first, and the store records that order; to resume, the
/// loop re-runs the optimizer from its seed and tells the stored candidates in the stored order, checking that each
/// was asked with the identical genome and recipe (DESIGN.md §4.6). Candidates that were in flight at the
/// interruption are thereby asked again identically, and the run continues on its trajectory.
/// </summary>
internal sealed class SearchLoop(IOptimizer optimizer, ICandidateEvaluator evaluator, IGenomeDecoder decoder, RunStore store, SearchLoopSettings settings)
{
    private readonly SortedDictionary<long, InFlight> _inFlight = [];
    private readonly Dictionary<string, CandidateRecord> _archive = [];
    private readonly Dictionary<string, Task<Completion>> _evaluating = [];
    private readonly HallOfFame _hallOfFame = new(settings.HallOfFameSize, settings.Pairing, settings.HallOfFameAlpha, settings.HallOfFameSeed);
    private readonly Stopwatch _clock = new();
    private long _asked;
    private long _told;
    private long _evaluated;
    private double _best = double.NegativeInfinity;
    private long _sinceImprovement;
    private int _consecutiveFailures;
    private string? _stop;
    private bool _aborted;

    public async Task<SearchOutcome> RunAsync(CancellationToken cancellation = default)
    {
        if (settings.InFlight < 1 || settings.MaxConsecutiveFailures < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "in-flight and consecutive-failure limits must be at least 1");
        _clock.Start();
        var run = store.ReadRun();
        if (run.Optimizer != optimizer.Name)
            throw new RunStoreException(store.Path, $"the run used optimizer {run.Optimizer}, not {optimizer.Name}", $"resume with --optimizer {run.Optimizer}");

        var stored = store.ReadCandidates();
        foreach (var record in stored)
            Replay(record, run.Seed);
        // Once for the replayed hall, not per replayed change: a kill between a commit and best/ being rewritten
        // leaves best/ one change behind, and this brings it up to date.
        if (stored.Count > 0 && _hallOfFame.Members.Count > 0)
            settings.HallOfFameChanged?.Invoke(_hallOfFame.Members);

        // Evaluations still running when the loop ends (abort, interruption) are cancelled, and awaited: a merge or
        // a scoring pass already running does not watch the token, and the caller disposes the evaluator (its mapped
        // checkpoints, weight buffers and ORT session) as soon as the loop returns.
        using var evaluations = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            return await Live(stored.Count, evaluations.Token, cancellation);
        }
        finally
        {
            await evaluations.CancelAsync();
            await Task.WhenAll(_inFlight.Values.Select(f => f.Task).OfType<Task>()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<SearchOutcome> Live(long replayed, CancellationToken evaluationCancellation, CancellationToken cancellation)
    {
        while (!_aborted)
        {
            if (cancellation.IsCancellationRequested)
                return Outcome("interrupted; resume to continue", cancelled: true, replayed);
            AskUntilFull();
            if (_inFlight.Count == 0)
                break;
            foreach (var waiting in _inFlight.Values.Where(f => f.Task is null))
                waiting.Task = Start(waiting, evaluationCancellation);
            Completion done;
            try
            {
                var first = await Task.WhenAny(_inFlight.Values.Select(f => f.Task!)).WaitAsync(cancellation);
                done = await first;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return Outcome("interrupted; resume to continue", cancelled: true, replayed);
            }
            Record(done);
        }
        return Outcome(_stop ?? $"evaluated the budget of {settings.MaxCandidates} candidates", cancelled: false, replayed);
    }

    private void AskUntilFull()
    {
        while (_stop is null && _inFlight.Count < settings.InFlight && _asked < settings.MaxCandidates)
        {
            var candidate = optimizer.Ask();
            _asked++;
            var recipe = decoder.RecipeText(candidate.Genome);
            _inFlight.Add(candidate.Id, new InFlight(candidate, recipe, RecipeHash.Of(recipe)));
        }
    }

    private void Replay(CandidateRecord record, ulong seed)
    {
        AskUntilFull();
        if (!_inFlight.Remove(record.Id, out var asked)
            || !asked.Candidate.Genome.AsSpan().SequenceEqual(record.Genome)
            || asked.RecipeHash != record.RecipeHash)
            throw new RunStoreException(store.Path,
                $"candidate {record.Id} (told as number {record.Sequence}) is not what {optimizer.Name} with seed {seed} asks when replayed",
                "resume with the search space, optimizer settings and Evolve version that started the run, or start a new run");
        optimizer.Tell(record.Id, TellValue(record));
        Account(record, record.Status == CandidateStatus.Ok && record.ServedFrom is null && _hallOfFame.IsPaired ? store.ReadItemScores(record.Id) : []);
    }

    private Task<Completion> Start(InFlight candidate, CancellationToken cancellation)
    {
        if (_archive.TryGetValue(candidate.RecipeHash, out var archived))
            return Task.FromResult(new Completion(candidate, FromRecord(archived), archived.Id, 0));
        if (_evaluating.TryGetValue(candidate.RecipeHash, out var twin))
            return ServeWhenDone(candidate, twin);
        var task = Evaluate(candidate, _hallOfFame.Incumbent, cancellation);
        _evaluating.Add(candidate.RecipeHash, task);
        return task;
    }

    private static async Task<Completion> ServeWhenDone(InFlight candidate, Task<Completion> twin)
    {
        var original = await twin;
        return new Completion(candidate, original.Evaluation, original.Candidate.Candidate.Id, 0);
    }

    private async Task<Completion> Evaluate(InFlight candidate, HallMember? incumbent, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        CandidateEvaluation evaluation;
        try
        {
            evaluation = await evaluator.EvaluateAsync(new CandidateRequest(candidate.Candidate, candidate.Recipe, incumbent), cancellation);
            if (evaluation.Status != CandidateStatus.Failed && (evaluation.Fitness is not { } f || double.IsNaN(f.Estimate)))
                evaluation = CandidateEvaluation.Failed("the evaluator returned a NaN fitness");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            evaluation = CandidateEvaluation.Failed($"{e.GetType().Name}: {e.Message}");
        }
        return new Completion(candidate, evaluation, null, watch.Elapsed.TotalMilliseconds);
    }

    private void Record(Completion done)
    {
        var asked = done.Candidate;
        _inFlight.Remove(asked.Candidate.Id);
        _evaluating.Remove(asked.RecipeHash);
        var e = done.Evaluation;
        var timings = new Dictionary<string, double>(e.TimingsMs ?? new Dictionary<string, double>()) { ["total"] = done.Milliseconds };
        var record = new CandidateRecord(asked.Candidate.Id, _told, asked.Candidate.Genome, asked.Recipe, asked.RecipeHash,
            e.Status, e.Failure, e.Fitness, done.ServedFrom is null ? e.Items.Count : 0, timings, done.ServedFrom, done.ServedFrom is null ? e.ItemsSaved : 0);
        if (done.ServedFrom is null)
            _evaluated++;
        optimizer.Tell(record.Id, TellValue(record));
        var items = done.ServedFrom is null ? e.Items : [];
        var hallChanged = Account(record, items);
        store.Commit(record, items, optimizer.ExportState(), hallChanged ? _hallOfFame.Ids : null);
        if (hallChanged)
            settings.HallOfFameChanged?.Invoke(_hallOfFame.Members);
        settings.Committed?.Invoke(record, Progress());
    }

    /// <summary>Updates counts, archive, hall of fame and the stop decision; true when the hall of fame changed.</summary>
    private bool Account(CandidateRecord record, IReadOnlyList<StoredItemScore> items)
    {
        _told++;
        if (record.ServedFrom is null)
            _archive.TryAdd(record.RecipeHash, record);
        if (record.Status == CandidateStatus.Failed)
            _consecutiveFailures++;
        else
            _consecutiveFailures = 0;
        if (record.Status == CandidateStatus.Ok && record.Fitness!.Value.Estimate > _best + settings.ImprovementTolerance)
            _sinceImprovement = 0;
        else
            _sinceImprovement++;
        if (record.Status == CandidateStatus.Ok)
            _best = Math.Max(_best, record.Fitness!.Value.Estimate);
        var hallChanged = _hallOfFame.Offer(record, items);

        if (_consecutiveFailures >= settings.MaxConsecutiveFailures)
        {
            _stop = $"stopped after {_consecutiveFailures} failed candidates in a row; the last failure: {record.Failure}";
            _aborted = true;
        }
        else if (_stop is null && settings.Termination?.Check(Progress()) is { } reason)
            _stop = reason;
        return hallChanged;
    }

    private SearchProgress Progress() => new(_told, optimizer.Generation, _clock.Elapsed, _best, _sinceImprovement);

    private static double TellValue(CandidateRecord record) =>
        record.Status == CandidateStatus.Failed ? double.NaN : record.Fitness!.Value.Estimate;

    private static CandidateEvaluation FromRecord(CandidateRecord record) =>
        new(record.Status, record.Fitness, [], record.Failure, null, record.ItemsSaved);

    private SearchOutcome Outcome(string reason, bool cancelled, long replayed) =>
        new(reason, _aborted, cancelled, _told, replayed, _evaluated, _best, _hallOfFame.Ids, _hallOfFame.Incumbent);

    private sealed class InFlight(Candidate candidate, string recipe, string recipeHash)
    {
        public Candidate Candidate { get; } = candidate;
        public string Recipe { get; } = recipe;
        public string RecipeHash { get; } = recipeHash;
        public Task<Completion>? Task { get; set; }
    }

    private sealed record Completion(InFlight Candidate, CandidateEvaluation Evaluation, long? ServedFrom, double Milliseconds);
}
