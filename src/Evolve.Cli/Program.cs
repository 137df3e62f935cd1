using Evolve.Cli;

return CliApp.Run(args);
