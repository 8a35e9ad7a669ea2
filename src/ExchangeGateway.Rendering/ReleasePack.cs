using System.Globalization;
using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Rendering;

/// <summary>
/// The plain-language release pack for the person being released. It is built from the submission's release plan,
/// bridging prescription, naloxone and agencies only, never from the clinical narrative, so no risk, blood-borne virus,
/// offence or keyworker wording can reach it.
/// </summary>
public static class ReleasePack
{
    /// <summary>
    /// The pack made from a received document, as 'exg render --for person' does; throws <see cref="UnmapException"/>, naming
    /// why, for a document no pack can be made from.
    /// </summary>
    public static string Render(Bundle document, AgencyDirectory? agencies = null)
    {
        ArgumentNullException.ThrowIfNull(document);

        // Refused rather than rendered: an alert is the gateway telling the services what to chase, in staff wording the
        // pack keeps from the person, and a response is about a message, not a person. Neither holds a plan to give them.
        if (GatewayNotices.TypeOf(document) is { } notice)
        {
            throw new UnmapException("Composition.type", $"a {notice} is a notice between the services, not the person's own record: there is no release pack to make from it; render it with --for clinician");
        }

        // A reply holds the community's record for the prison, not the person's plan; refused here as the command's error.
        var submission = SubmissionUnmapper.Unmap(document);
        return submission.Dir is null
            ? throw new UnmapException("Composition.type", $"a {submission.Event.Type} is a reply between the services, not the person's own record: there is no release pack to make from it; render it with --for clinician")
            : Render(submission, agencies);
    }

    /// <summary>The pack's HTML for the person the submission is about.</summary>
    public static string Render(Submission submission, AgencyDirectory? agencies = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var dir = submission.Dir ?? throw new ArgumentException("a release pack is made from a prison's record (a DIR), not a reply", nameof(submission));
        var client = dir.Client;
        var plan = dir.ReleasePlan;
        var releaseDate = plan?.ReleaseDate ?? dir.Custody?.ExpectedReleaseDate;
        var body = new StringBuilder();

        body.Append("<header>\n<h1>").Append(releaseDate is null ? "Your plan" : "Your release plan").Append("</h1>\n<p class=\"big\">For ").Append(Encode($"{client.Forenames} {client.Surname}")).Append("</p>\n");
        if (releaseDate is not null)
        {
            body.Append("<p class=\"big\">You leave on <strong>").Append(Encode(PlainDates.Day(releaseDate))).Append("</strong>.</p>\n");
        }

        body.Append("</header>\n");
        if (client.NeedsInterpreter == true)
        {
            body.Append("<p class=\"interpreter\" id=\"interpreter\">")
                .Append(Encode(client.Language is { } language ? $"You asked for an interpreter: {language}" : "You asked for an interpreter."))
                .Append("</p>\n");
        }

        FirstAppointment(body, plan, agencies);
        Medicine(body, submission.Prescribing?.BridgingPrescription);
        NaloxoneKit(body, submission.Prescribing?.Naloxone);
        WhoToCall(body, plan, client.GpPractice, agencies);
        body.Append("<footer>Made from your own record. If anything here is wrong, tell the healthcare team before you leave.</footer>\n");
        return Wrap($"Release plan for {client.Forenames} {client.Surname}", body.ToString());
    }

    private static void FirstAppointment(StringBuilder body, ReleasePlan? plan, AgencyDirectory? agencies)
    {
        body.Append("<section>\n<h2>Your first appointment</h2>\n");
        if (plan?.FirstAppointment is { } first)
        {
            body.Append("<p class=\"big\"><strong>").Append(Encode(PlainDates.DayAndTime(first))).Append("</strong></p>\n");
            var with = new[] { plan.CjitArea, plan.CommunityProvider }.OfType<string>().Select(id => AgencyNames.Describe(id, agencies)).ToList();
            if (with.Count > 0)
            {
                body.Append("<p>With ").Append(Encode(string.Join(" and ", with))).Append(".</p>\n");
            }

            body.Append("<p>Please go even if you are running late. If you cannot go, call them before the time.</p>\n");
        }
        else
        {
            body.Append("<p>No appointment is booked in your record yet. Call your drug service (below) on the day you leave.</p>\n");
        }

        body.Append("</section>\n");
    }

    private static void Medicine(StringBuilder body, BridgingPrescription? bridging)
    {
        body.Append("<section>\n<h2>Your medicine after you leave</h2>\n");
        if (bridging is null)
        {
            body.Append("<p>Your record has no prescription to cover the days after you leave. Ask the healthcare team before you go.</p>\n");
        }
        else
        {
            var days = bridging.Days == 1 ? "1 day" : $"{bridging.Days.ToString(CultureInfo.InvariantCulture)} days";
            body.Append("<p class=\"big\"><strong>").Append(Encode(PlainMedicine(bridging.Medication))).Append("</strong></p>\n<p>")
                .Append(Encode($"Dose: {PlainDose(bridging.Dose)}. This prescription covers {days}, until your next appointment."))
                .Append("</p>\n<p>");
            body.Append(bridging.Pharmacy is { } pharmacy
                ? Encode($"Collect it from the pharmacy with code {pharmacy}. Take this letter and photo ID if you have it.")
                : Encode("Ask the healthcare team which pharmacy to collect it from."));
            body.Append("</p>\n");
        }

        body.Append("</section>\n");
    }

    private static void NaloxoneKit(StringBuilder body, Naloxone? naloxone)
    {
        body.Append("<section>\n<h2>Naloxone</h2>\n");
        if (naloxone is { Issued: true })
        {
            var kit = naloxone.Product switch
            {
                "intranasal" => "a naloxone nasal spray",
                "intramuscular" => "a naloxone injection kit",
                _ => "a naloxone kit",
            };
            body.Append("<p>").Append(Encode(naloxone.IssuedOn is { } on ? $"You were given {kit} on {PlainDates.Day(on)}." : $"You were given {kit}.")).Append(" Keep it with you.</p>\n");
        }
        else
        {
            body.Append("<p>You do not have naloxone yet. Ask your drug service or a pharmacy for a free kit.</p>\n");
        }

        body.Append("<p><strong>If someone will not wake up or is breathing slowly: call 999, give naloxone, and stay with them until help comes.</strong></p>\n");
        body.Append("</section>\n");
    }

    private static void WhoToCall(StringBuilder body, ReleasePlan? plan, string? gpPractice, AgencyDirectory? agencies)
    {
        body.Append("<section>\n<h2>Who to call</h2>\n<ul>\n");
        if (plan?.CjitArea is { } cjit)
        {
            Contact(body, "Your drug service (CJIT)", AgencyNames.Describe(cjit, agencies));
        }

        if (plan?.CommunityProvider is { } provider)
        {
            Contact(body, "Your treatment provider", AgencyNames.Describe(provider, agencies));
        }

        if (gpPractice is not null)
        {
            Contact(body, "Your GP practice", AgencyNames.Describe(gpPractice, agencies));
        }

        Contact(body, "Urgent health advice", "NHS 111");
        Contact(body, "Emergency", "999");
        body.Append("</ul>\n</section>\n");
    }

    private static void Contact(StringBuilder body, string who, string how) =>
        body.Append("<li><strong>").Append(Encode(who)).Append(":</strong> ").Append(Encode(how)).Append("</li>\n");

    /// <summary>A medication in everyday words; free text the contract does not code is shown as the sender wrote it.</summary>
    public static string PlainMedicine(string medication) => medication switch
    {
        "methadone-oral-solution-1mg-ml" => "Methadone liquid (1 mg in each ml)",
        "buprenorphine-sublingual" => "Buprenorphine tablets that melt under your tongue",
        "buprenorphine-naloxone-sublingual" => "Buprenorphine with naloxone, tablets that melt under your tongue",
        "buprenorphine-prolonged-release-injection" => "Buprenorphine long-acting injection",
        "diazepam" => "Diazepam",
        _ => medication,
    };

    private static string PlainDose(Dose dose) =>
        $"{dose.Value.ToString(CultureInfo.InvariantCulture)} {(dose.Unit == "microgram" ? "micrograms" : dose.Unit)}";
}
