namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Where a GA's first candidates after the seed individuals lie: row <c>row</c> of <c>rows</c> design points in the
/// unit box, asked as candidate <c>id</c>. A pure function of its arguments, so a resumed run asks the same points.
/// </summary>
internal interface IInitialDesign
{
    double[] Point(ulong seed, long id, int row, int rows, int genes);
}
