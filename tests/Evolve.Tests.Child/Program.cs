using Evolve.Tests.Child;

return args switch
{
    ["write-candidates", var path, var count] => StoreWriter.Run(path, int.Parse(count)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Evolve.Tests.Child write-candidates DB COUNT");
    return 2;
}
