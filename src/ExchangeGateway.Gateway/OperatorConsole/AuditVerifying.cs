using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The outcome of one verification of the audit trail, as the console shows it: no entry's content, only seqs.</summary>
public sealed record AuditVerifyResult(DateTimeOffset At, bool Valid, long Entries, string? FirstProblem, int Warnings);

/// <summary>
/// Verifies the audit trail on an operator's request, in the background (a long trail takes a while), and keeps the last
/// result for the console. Lenient about the unsigned tail: a running gateway signs its head at the next checkpoint.
/// </summary>
public sealed class AuditVerifying(IGatewayStore store, CheckpointKeys keys, TimeProvider time, ILogger<AuditVerifying> log)
{
    private readonly Lock gate = new();
    private Task? running;

    /// <summary>The last finished verification, or null when none has run since this instance started.</summary>
    public AuditVerifyResult? Last { get; private set; }

    /// <summary>True while a verification runs.</summary>
    public bool Running
    {
        get
        {
            lock (gate)
            {
                return running is { IsCompleted: false };
            }
        }
    }

    /// <summary>Starts a verification unless one is running; returns the task that finishes with it.</summary>
    public Task Start()
    {
        lock (gate)
        {
            if (running is { IsCompleted: false })
            {
                return running;
            }

            running = Task.Run(Verify);
            return running;
        }
    }

    private void Verify()
    {
        try
        {
            var verification = store.Snapshot(tx => new AuditVerifier(keys).Verify(tx, allowUnsignedTail: true));
            Last = new AuditVerifyResult(time.GetUtcNow(), verification.IsValid, verification.EntryCount, verification.FirstProblem?.ToString(), verification.Warnings.Count);
            log.LogInformation("Audit trail verified on an operator's request: {Outcome}, {Entries} entries", verification.IsValid ? "valid" : "NOT valid", verification.EntryCount);
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            Last = new AuditVerifyResult(time.GetUtcNow(), false, 0, "the database could not be read", 0);
            log.LogWarning("Audit verification could not read the database: {Error}", ex.GetType().Name);
        }
        catch (Exception ex)
        {
            // Nobody awaits this task: a failure must still reach the page and the log, never vanish.
            Last = new AuditVerifyResult(time.GetUtcNow(), false, 0, "the verification failed: " + ex.GetType().Name, 0);
            log.LogError("Audit verification failed: {Error}", ex.GetType().Name);
        }
    }
}
