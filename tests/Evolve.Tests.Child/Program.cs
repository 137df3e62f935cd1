using System.Globalization;
using Evolve.Tests.Child;

return args switch
{
    ["write-candidates", var path, var count] => StoreWriter.Run(path, int.Parse(count, CultureInfo.InvariantCulture)),
    ["search", var path, var optimizer, var seed, var budget, var inFlight, var delayMs] => SyntheticSearch.Run(path, optimizer,
        ulong.Parse(seed, CultureInfo.InvariantCulture), long.Parse(budget, CultureInfo.InvariantCulture),
        int.Parse(inFlight, CultureInfo.InvariantCulture), int.Parse(delayMs, CultureInfo.InvariantCulture)),
    ["zoo-search", var space, var runs, var runId, var budget] => ZooSearch.Run(space, runs, runId, long.Parse(budget, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Evolve.Tests.Child write-candidates DB COUNT | search DB OPTIMIZER SEED BUDGET IN_FLIGHT DELAY_MS | zoo-search SPACE RUNS RUN_ID BUDGET");
    return 2;
}
