using System.Globalization;
using System.Text.Json.Nodes;

namespace ExchangeGateway.Backfill;

/// <summary>One generated submission: its file name, the JSON, its event type and, for a deliberately invalid one, what is wrong.</summary>
public sealed record GeneratedSubmission(string FileName, string SubmissionId, string EventType, string From, JsonObject Json, string? Invalid);

/// <summary>
/// Generates varied submissions that prisons send (release, release-notice, transfer, reception) for the agencies of the
/// development directory. File <c>i</c> depends only on the seed, <c>i</c> and <c>today</c>, so any file can be made
/// again alone. Dates sit around <c>today</c> so that nothing the gateway schedules from them falls due during a backfill:
/// events in the last ten days, release notices 10 to 80 days ahead, expected release dates 60 to 400 days ahead.
/// </summary>
public sealed class SubmissionGenerator
{
    /// <summary>The prisons of the development directory.</summary>
    public static IReadOnlyList<string> Prisons { get; } = ["HLI", "BMI", "SFI", "NHI", "LPI"];

    private static readonly string[] Cjits = ["CJIT-LEEDS", "CJIT-NOTTS"];
    private static readonly string[] Gps = ["B86030", "B82005"];
    private static readonly string[] ShareTypes = ["prison", "cjit", "community-treatment", "gp"];
    private static readonly string[] Substances = ["heroin", "crack", "cocaine", "alcohol", "benzodiazepine", "cannabis", "synthetic-cannabinoid", "amphetamine", "other-opioid"];
    private static readonly string[] Towns = ["Leeds", "Nottingham", "Hull", "Wakefield", "Bradford"];
    private static readonly string[] Postcodes = ["LS1 4AB", "LS3 1LH", "NG1 5FS", "HU1 2AA", "WF1 3QX", "BD1 1HY"];

    private readonly int seed;
    private readonly DateOnly today;
    private readonly double invalidShare;
    private readonly IReadOnlyList<string> senders;

    /// <summary>Creates a generator; <paramref name="senders"/> are the prisons that send (event.from), by default all five.</summary>
    public SubmissionGenerator(int seed, DateOnly today, double invalidShare, IReadOnlyList<string>? senders = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(invalidShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(invalidShare, 1);
        senders ??= Prisons;
        if (senders.Count == 0 || senders.Any(s => !Prisons.Contains(s)))
        {
            throw new ArgumentException($"senders must be prisons of the development directory ({string.Join(", ", Prisons)})", nameof(senders));
        }

        this.seed = seed;
        this.today = today;
        this.invalidShare = invalidShare;
        this.senders = senders;
    }

    /// <summary>The submission of file <paramref name="index"/> (0-based; its file is <c>index + 1</c> as seven digits).</summary>
    public GeneratedSubmission Make(int index)
    {
        var random = new Random(MixedSeed(seed, index));
        var id = SubmissionId(random);
        var person = PersonMaker.Make(random, index, today);
        var from = senders[random.Next(senders.Count)];
        var roll = random.Next(100);
        var type = roll switch
        {
            < 35 => "release",
            < 60 => "release-notice",
            < 85 => "transfer",
            _ => "reception",
        };
        var occurred = today.AddDays(-1 - random.Next(10)).ToDateTime(new TimeOnly(7 + random.Next(10), random.Next(60)));
        var occurredAt = new DateTimeOffset(occurred, TimeSpan.Zero);
        var onOst = random.Next(100) < 60;
        var json = new JsonObject
        {
            ["submissionId"] = id,
            ["event"] = Event(random, type, from, occurredAt),
            ["dir"] = Dir(random, type, from, person, occurredAt, onOst),
        };
        if (PrescribingMaker.Make(random, type, occurredAt, onOst) is { } prescribing)
        {
            json["prescribing"] = prescribing;
        }

        string? invalid = null;
        if (random.NextDouble() < invalidShare)
        {
            invalid = InvalidSubmissions.Kinds[random.Next(InvalidSubmissions.Kinds.Count)];
            InvalidSubmissions.Break(json, invalid, person);
        }

        return new GeneratedSubmission($"{index + 1:D7}.json", id, json["event"]!["type"]!.GetValue<string>(), from, json, invalid);
    }

    // A seed per file from the run's seed and the index (SplitMix64's finaliser), so files need not be made in order.
    private static int MixedSeed(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private static string SubmissionId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static JsonObject Event(Random random, string type, string from, DateTimeOffset occurredAt)
    {
        var json = new JsonObject { ["type"] = type, ["occurredAt"] = Stamp(occurredAt), ["from"] = from };
        if (type == "transfer")
        {
            var others = Prisons.Where(p => p != from).ToList();
            json["to"] = others[random.Next(others.Count)];
        }
        else if (type is "release" or "release-notice")
        {
            json["plannedRelease"] = type == "release-notice" || random.Next(20) != 0;
        }

        return json;
    }

    private JsonObject Dir(Random random, string type, string from, MadePerson person, DateTimeOffset occurredAt, bool onOst)
    {
        var occurredOn = DateOnly.FromDateTime(occurredAt.UtcDateTime);
        var client = new JsonObject
        {
            ["surname"] = person.Surname, ["forenames"] = person.Forenames, ["dateOfBirth"] = person.DateOfBirth, ["sex"] = person.Sex,
            ["nhsNumber"] = person.NhsNumber, ["prisonNumber"] = person.PrisonNumber,
        };
        Maybe(client, "ethnicity", person.Ethnicity);
        Maybe(client, "pncId", person.PncId);
        if (random.Next(4) != 0)
        {
            client["nhsNumberStatus"] = random.Next(3) == 0 ? "02" : "01";
        }

        // Release events and receptions must reach someone: a GP practice always, except on some releases that name a CJIT.
        var releasing = type is "release" or "release-notice";
        var withoutGp = releasing && random.Next(10) == 0;
        if (!withoutGp && type != "transfer" || type == "transfer" && random.Next(2) == 0)
        {
            client["gpPractice"] = Gps[random.Next(Gps.Length)];
        }

        if (random.Next(3) != 0)
        {
            client["address"] = Address(random);
        }

        var received = occurredOn.AddDays(-30 - random.Next(700));
        var custody = new JsonObject { ["establishment"] = from, ["receptionDate"] = Day(type == "reception" ? occurredOn : received), ["status"] = Pick(random, "remand", "sentenced", "recall") };
        if (type is "transfer" or "reception" && random.Next(2) == 0)
        {
            custody["expectedReleaseDate"] = Day(today.AddDays(60 + random.Next(340)));
        }

        var assessedOn = occurredOn.AddDays(-random.Next(14));
        var dir = new JsonObject
        {
            ["dirId"] = $"DIR-{from}-{occurredOn.Year}-{random.Next(1_000_000):D6}",
            ["assessment"] = new JsonObject
            {
                ["date"] = Day(assessedOn),
                ["type"] = type switch { "transfer" => "transfer", "reception" => "triage", _ => "custody-release" },
                ["assessor"] = new JsonObject { ["name"] = Pick(random, "Sam Okafor", "Priya Shah", "Lee Hart", "Maria Costa"), ["role"] = Pick(random, "CARAT worker", "IDTS nurse", "drug worker") },
                ["agency"] = from,
            },
            ["client"] = client,
            ["custody"] = custody,
            ["substances"] = SubstanceList(random),
            ["injecting"] = new JsonObject { ["status"] = Pick(random, "current", "previous", "never", "declined"), ["sharedEquipment"] = random.Next(4) == 0 },
            ["risks"] = new JsonObject
            {
                ["overdoseRisk"] = Pick(random, "high", "medium", "low", "unknown"), ["reducedTolerance"] = releasing && random.Next(2) == 0,
                ["selfHarm"] = random.Next(5) == 0, ["mentalHealthNeed"] = random.Next(3) == 0,
                ["bbv"] = new JsonObject { ["hepatitisC"] = Pick(random, "positive", "negative", "not-tested", "declined"), ["hiv"] = Pick(random, "negative", "not-tested", "declined") },
            },
        };
        if (random.Next(3) == 0)
        {
            dir["offence"] = new JsonObject { ["category"] = Pick(random, "acquisitive", "violence", "drugs", "public-order"), ["triggerOffence"] = random.Next(2) == 0 };
        }

        if (onOst && random.Next(2) == 0)
        {
            dir["treatmentInPrison"] = new JsonArray(new JsonObject { ["modality"] = "maintenance-prescribing", ["start"] = Day(received), ["outcome"] = "ongoing" });
        }

        if (releasing || type == "reception" && random.Next(3) == 0)
        {
            dir["releasePlan"] = ReleasePlan(random, type, occurredOn, withoutGp);
        }

        if (random.Next(4) == 0)
        {
            dir["keyworkerNotes"] = Pick(random, "Engaged well with the psychosocial group.", "Wants to stay on a script after release.", "Missed two appointments; re-engaged this month.");
        }

        dir["consent"] = Consent(random, assessedOn);
        return dir;
    }

    private JsonObject ReleasePlan(Random random, string type, DateOnly occurredOn, bool mustNameCjit)
    {
        var releaseOn = type == "release-notice" ? today.AddDays(10 + random.Next(70)) : occurredOn;
        var plan = new JsonObject
        {
            ["releaseDate"] = Day(releaseOn),
            ["accommodation"] = Pick(random, "settled", "approved-premises", "temporary", "no-fixed-abode", "unknown"),
        };
        if (random.Next(2) == 0)
        {
            plan["releaseAddress"] = Address(random);
        }

        if (mustNameCjit || random.Next(5) != 0)
        {
            plan["cjitArea"] = Cjits[random.Next(Cjits.Length)];
        }

        if (random.Next(2) == 0)
        {
            plan["communityProvider"] = "CTP-FWDLEEDS";
        }

        if (random.Next(3) != 0)
        {
            plan["firstAppointment"] = Stamp(new DateTimeOffset(releaseOn.ToDateTime(new TimeOnly(10 + random.Next(6), 0)), TimeSpan.Zero));
            plan["referredToCommunityTreatment"] = true;
        }

        return plan;
    }

    private static JsonObject Consent(Random random, DateOnly assessedOn)
    {
        var share = new JsonArray();
        foreach (var shareType in ShareTypes)
        {
            if (random.Next(5) != 0)
            {
                share.Add(shareType);
            }
        }

        return new JsonObject { ["recordedAt"] = Stamp(new DateTimeOffset(assessedOn.ToDateTime(new TimeOnly(11, 0)), TimeSpan.Zero)), ["shareWith"] = share };
    }

    private static JsonArray SubstanceList(Random random)
    {
        var list = new JsonArray();
        var chosen = Substances.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToList();
        for (var i = 0; i < chosen.Count; i++)
        {
            var item = new JsonObject { ["rank"] = i + 1, ["substance"] = chosen[i], ["route"] = Pick(random, "inject", "smoke", "oral", "sniff"), ["frequency"] = Pick(random, "daily", "4-6-days-a-week", "1-3-days-a-week", "less-than-weekly") };
            if (random.Next(2) == 0)
            {
                item["ageFirstUsed"] = 13 + random.Next(25);
            }

            list.Add(item);
        }

        return list;
    }

    private static JsonObject Address(Random random) => new()
    {
        ["lines"] = new JsonArray($"{1 + random.Next(200)} {Pick(random, "Canal Street", "Kirkstall Road", "Mansfield Road", "Hessle Road", "Manningham Lane")}"),
        ["town"] = Towns[random.Next(Towns.Length)],
        ["postcode"] = Postcodes[random.Next(Postcodes.Length)],
    };

    private static void Maybe(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    internal static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
