using ExchangeGateway.Storage;
using System.CommandLine;

namespace ExchangeGateway.Cli;

/// <summary>The exg command line: parses, dispatches, and turns every failure into a message and an exit code.</summary>
public static class ExgCommandLine
{
    /// <summary>Runs exg with the given arguments, writing results to <paramref name="output"/> and errors to <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("exg: map, check and move drug-treatment records (DIR + prescribing) as FHIR R4 documents.");
        foreach (var command in DocumentCommands.Create(output, error).Concat(PackageCommands.Create(output, error)).Concat(TransferCommands.Create(output, error)).Concat(AuditCommands.Create(output, error)).Concat(ScheduleCommands.Create(output, error)).Concat(ReportCommands.Create(output, error)).Append(ReceiveCommand.Create(output, error)).Append(RenderCommand.Create(output, error)).Append(InboxCommand.Create(output)).Append(SafetyCommands.Create(output, error)).Append(MeshCommands.Create(output, error)))
        {
            root.Add(command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"exg: {parseError.Message}");
            }

            error.WriteLine("exg: see 'exg --help'");
            return ExitCodes.Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            error.WriteLine($"exg: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (GatewayUnreachableException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is StorageUnavailableException or StorageSchemaException)
        {
            error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.InvalidInput;
        }
    }
}
