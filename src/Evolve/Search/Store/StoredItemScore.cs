namespace Evolve.Search.Store;

/// <summary>One proxy item's score for a candidate.</summary>
internal sealed record StoredItemScore(string Task, string Item, double Value);
