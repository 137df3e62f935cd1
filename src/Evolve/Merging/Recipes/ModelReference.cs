namespace Evolve.Merging.Recipes;

/// <summary>
/// mergekit's model reference: a local Hugging Face folder, optionally followed by <c>+ADAPTER</c>, a PEFT LoRA
/// adapter folder applied to it before merging.
/// </summary>
internal sealed record ModelReference(string Path, string? Lora = null)
{
    public static ModelReference Parse(string text)
    {
        var plus = text.IndexOf('+');
        return plus < 0 ? new ModelReference(text.Trim()) : new ModelReference(text[..plus].Trim(), text[(plus + 1)..].Trim());
    }

    public override string ToString() => Lora is null ? Path : $"{Path}+{Lora}";
}
