namespace Evolve.Proxy;

/// <summary>
/// One proxy query. Free-form items carry <see cref="Answer"/>; multiple-choice items carry
/// <see cref="Choices"/> and the index of the right one in <see cref="AnswerIndex"/>.
/// </summary>
public sealed record ProxyItem(
    string Id,
    string Task,
    string Prompt,
    string? Answer,
    IReadOnlyList<string>? Choices,
    int? AnswerIndex,
    double Weight,
    string Source)
{
    public bool IsMultipleChoice => Choices is not null;

    /// <summary>The reference continuation: the free-form answer or the right choice.</summary>
    public string ReferenceAnswer => Choices is null ? Answer! : Choices[AnswerIndex!.Value];
}
