namespace Evolve.Text;

/// <summary>An entry of tokenizer.json's added_tokens, with the flags that decide how it is found in text.</summary>
internal sealed record AddedToken(int Id, string Content, bool SingleWord, bool LStrip, bool RStrip, bool Normalized, bool Special);
