using System.Security.Cryptography;
using System.Text;

namespace Evolve.Search.Store;

/// <summary>The archive key of a decoded recipe: SHA-256 of its canonical text (UTF-8), lower-case hex.</summary>
internal static class RecipeHash
{
    public static string Of(string recipeText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipeText)));
}
