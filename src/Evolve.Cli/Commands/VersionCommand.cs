using System.CommandLine;
using System.Reflection;

namespace Evolve.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("version", "Print the tool version.");
        command.SetAction(_ =>
        {
            stdout.WriteLine(typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");
            return 0;
        });
        return command;
    }
}
