namespace ExchangeGateway.Gateway;

/// <summary>The gateway's settings: from the command line (--data, --database, --agencies, --certs), appsettings.json or environment (Gateway__Data ...).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway";

    /// <summary>The data folder: the SQLite file and per-deployment secrets.</summary>
    public string Data { get; set; } = "data";

    /// <summary>
    /// The database when it is not the SQLite file in the data folder: a PostgreSQL connection string
    /// (<c>Host=...;Database=...;Username=...</c>) or a <c>postgres://</c> URL, shared by several instances.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>The agency directory file; empty for the embedded development directory.</summary>
    public string? Agencies { get; set; }

    /// <summary>A deployment's map file (R4 ConceptMap or Bundle of them) laid over the embedded national-code maps; empty for none.</summary>
    public string? Terminology { get; set; }

    /// <summary>The certs folder: CA, agency certificates, CRLs, and the gateway's own key.</summary>
    public string Certs { get; set; } = "certs-dev";

    /// <summary>"json" for JSON log lines; anything else for text.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>The lowest level logged: Verbose, Debug, Information, Warning, Error.</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>The first retry delay.</summary>
    public TimeSpan RetryMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a push message is retried before it is dead-lettered.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(72);

    /// <summary>How long one push attempt may take before it counts as a timeout.</summary>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many pushes may be in flight at once, across all agencies.</summary>
    public int PushConcurrency { get; set; } = 32;

    /// <summary>How many pushes may be in flight to one agency at once, so a slow agency cannot take every slot.</summary>
    public int PushConcurrencyPerAgency { get; set; } = 4;

    /// <summary>On SQLite, the most units of work (accepts, push claims and results) committed together with one fsync (1: one commit each); PostgreSQL groups its own WAL flushes.</summary>
    public int GroupCommitLimit { get; set; } = Storage.Selection.StorageSelection.DefaultGroupCommitLimit;

    /// <summary>How often the push worker looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The audit log's origin: the first line of every signed tree head and the name of the checkpoint key
    /// (<c>audit-checkpoint.key</c> in the certs folder); unset, the name in the folder's <c>audit-checkpoint.vkey</c>.
    /// </summary>
    public string? AuditOrigin { get; set; }

    /// <summary>The gateway signs an audit checkpoint every this many entries (and at start, on the timer and at shutdown).</summary>
    public int AuditCheckpointInterval { get; set; } = 100;

    /// <summary>Every this many seconds the gateway signs a checkpoint if the trail's head moved since the newest one; 0 turns the timer off.</summary>
    public int AuditCheckpointSeconds { get; set; } = 10;

    /// <summary>How long a mailbox message waits for its acknowledgement before it expires.</summary>
    public TimeSpan MailboxExpiry { get; set; } = TimeSpan.FromDays(5);

    /// <summary>The local time of the release reminders, two days before and on the day.</summary>
    public TimeOnly ReminderTime { get; set; } = new(9, 0);

    /// <summary>How long a request body may arrive slower than 240 bytes a second before it is refused with 408 (more than 1 s).</summary>
    public TimeSpan RequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many hours after a reception the prison is alerted that no community service has replied with the prescribing record.</summary>
    public int ReceptionReplyHours { get; set; } = Domain.EscalationTimeline.DefaultReceptionReplyHours;

    /// <summary>The IANA time zone the reminder time and the noon overdue check are local to.</summary>
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>The gateway's MESH mailbox, for agencies reached through MESH.</summary>
    public MeshOptions Mesh { get; set; } = new();
}
