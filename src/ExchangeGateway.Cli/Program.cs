using ExchangeGateway.Cli;

return ExgCommandLine.Run(args, Console.Out, Console.Error);
