namespace ExchangeGateway.Audit;

/// <summary>The kinds of audit entry the gateway writes; <see cref="AuditRecord.Type"/> must be one of them.</summary>
public static class AuditEventTypes
{
    /// <summary>A sending system's submission was accepted for processing.</summary>
    public const string SubmissionReceived = "submission-received";

    /// <summary>A submission was refused (invalid, unauthorised sender, ...); details say why.</summary>
    public const string SubmissionRefused = "submission-refused";

    /// <summary>A sharing decision for one recipient: shared, withheld or overridden (legal basis other than consent).</summary>
    public const string ConsentDecision = "consent-decision";

    /// <summary>A package was signed and encrypted for one recipient.</summary>
    public const string PackageSealed = "package-sealed";

    /// <summary>The gateway started pushing a package to a recipient's endpoint.</summary>
    public const string DeliveryAttempt = "delivery-attempt";

    /// <summary>The outcome of a push: delivered, or failed and why.</summary>
    public const string DeliveryResult = "delivery-result";

    /// <summary>An agency fetched a package from its mailbox.</summary>
    public const string MailboxFetch = "mailbox-fetch";

    /// <summary>A recipient acknowledged a package.</summary>
    public const string Ack = "ack";

    /// <summary>Consent was withdrawn: undelivered and future messages stop.</summary>
    public const string Withdrawal = "withdrawal";

    /// <summary>A certificate was refused or is about to expire (an agency's or the gateway's).</summary>
    public const string CertificateProblem = "certificate-problem";

    /// <summary>An administrator did something through the CLI or the admin API.</summary>
    public const string AdminAction = "admin-action";

    /// <summary>Every type, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SubmissionReceived, SubmissionRefused, ConsentDecision, PackageSealed, DeliveryAttempt, DeliveryResult,
        MailboxFetch, Ack, Withdrawal, CertificateProblem, AdminAction,
    ];

    /// <summary>True for one of <see cref="All"/>.</summary>
    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}

/// <summary>The actions an <see cref="AuditEventTypes.AdminAction"/> entry records.</summary>
public static class AdminActions
{
    /// <summary>A dead-lettered or expired message queued again.</summary>
    public const string OutboxRetry = "outbox-retry";

    /// <summary>A message cancelled before delivery.</summary>
    public const string OutboxCancel = "outbox-cancel";
}
