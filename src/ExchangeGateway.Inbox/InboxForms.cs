using System.Text;
using ExchangeGateway.Domain;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Inbox;

/// <summary>The forms on a message page: accept or reject it, reply to a reception, report engagement after a release.</summary>
internal static class InboxForms
{
    /// <summary>The forms that fit this message and this agency, each carrying the antiforgery <paramref name="token"/> field.</summary>
    public static string For(InboxItem item, InboxSettings settings, string token)
    {
        if (item.IsNotice)
        {
            return "";
        }

        var forms = new StringBuilder("<section class=\"actions\">\n");
        Answer(forms, item, token);
        // Only the replies the gateway would take from this agency's type: the intake's own rule.
        if (item.EventType == EventTypes.Reception && EventSenders.MayFileReply(EventTypes.ReceptionReply, settings.AgencyType))
        {
            ReceptionReply(forms, item, token);
        }

        if (item.EventType == EventTypes.Release && EventSenders.MayFileReply(EventTypes.Engagement, settings.AgencyType))
        {
            Engagement(forms, item, token);
        }

        return forms.Append("</section>\n").ToString();
    }

    private static void Answer(StringBuilder form, InboxItem item, string token)
    {
        Open(form, item, "response", "Accept or reject this record", token);
        Field(form, "by-name", "name", "Your name", required: true);
        Field(form, "by-role", "role", "Your role", required: true);
        Field(form, "by-id", "professionalId", "Professional id (GMC, NMC, GPhC)");
        Area(form, "reason", "reason", "Reason (needed to reject)");
        Area(form, "note", "note", "Note for the sender");
        form.Append("<div class=\"buttons\"><button type=\"submit\" name=\"outcome\" value=\"accepted\">Accept</button>")
            .Append("<button type=\"submit\" name=\"outcome\" value=\"rejected\">Reject</button></div>\n</form>\n");
    }

    // Fixed when the page is made: the same form sent twice (a double click, a browser's resend) is one submission to the
    // gateway, which answers the second with the first's answer or a 409, never a second reply.
    private static void SubmissionId(StringBuilder form) =>
        form.Append("<input type=\"hidden\" name=\"submissionId\" value=\"").Append(Guid.NewGuid().ToString()).Append("\">\n");

    private static void ReceptionReply(StringBuilder form, InboxItem item, string token)
    {
        Open(form, item, "reply", "Reply with the community prescribing record", token);
        form.Append("<input type=\"hidden\" name=\"kind\" value=\"").Append(EventTypes.ReceptionReply).Append("\">\n");
        SubmissionId(form);
        Check(form, "on-ost", "onOst", "On opioid substitution therapy now");
        Select(form, "medication", "medication", "Medication", ["", "methadone-oral-solution-1mg-ml", "buprenorphine-sublingual", "buprenorphine-prolonged-release-injection", "buprenorphine-naloxone-sublingual", "diazepam", "other"]);
        Field(form, "dose", "doseValue", "Dose");
        Select(form, "dose-unit", "doseUnit", "Dose unit", ["mg", "ml", "microgram"]);
        Select(form, "frequency", "frequency", "Frequency", ["daily", "twice-daily", "weekly", "monthly", "as-directed"]);
        Field(form, "start", "start", "Prescribed since", type: "date");
        Field(form, "prescriber-name", "prescriberName", "Prescriber's name");
        Field(form, "prescriber-role", "prescriberRole", "Prescriber's role");
        Field(form, "prescriber-id", "prescriberId", "Prescriber's professional id");
        Field(form, "last-dispensed", "lastDispensedOn", "Last dispensed on", type: "date", required: true);
        Check(form, "supervised", "supervised", "Doses taken under supervision");
        Field(form, "suspended-from", "dispensingSuspendedFrom", "Dispensing suspended from", type: "date");
        Field(form, "pharmacy", "pharmacy", "Pharmacy (name or ODS code)");
        form.Append("<div class=\"buttons\"><button type=\"submit\">Send the reply</button></div>\n</form>\n");
    }

    private static void Engagement(StringBuilder form, InboxItem item, string token)
    {
        Open(form, item, "reply", "Report engagement", token);
        form.Append("<input type=\"hidden\" name=\"kind\" value=\"").Append(EventTypes.Engagement).Append("\">\n");
        SubmissionId(form);
        Select(form, "engagement-outcome", "outcome", "Outcome", ["attended", "did-not-attend", "engaged", "disengaged", "not-known-to-service"]);
        Field(form, "engagement-date", "date", "Date of the appointment", type: "date", required: true);
        Field(form, "next-appointment", "nextAppointment", "Next appointment", type: "datetime-local");
        Area(form, "engagement-note", "note", "Note");
        form.Append("<div class=\"buttons\"><button type=\"submit\">Send the report</button></div>\n</form>\n");
    }

    private static void Open(StringBuilder form, InboxItem item, string action, string title, string token) =>
        form.Append("<form method=\"post\" action=\"/messages/").Append(Uri.EscapeDataString(item.MessageId)).Append('/').Append(action).Append("\">\n<h2>")
            .Append(Encode(title)).Append("</h2>\n").Append(token).Append('\n');

    private static void Field(StringBuilder form, string id, string name, string label, string type = "text", bool required = false) =>
        form.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(label)).Append("</label><input id=\"").Append(id).Append("\" name=\"")
            .Append(name).Append("\" type=\"").Append(type).Append('"').Append(required ? " required" : "").Append("></div>\n");

    private static void Area(StringBuilder form, string id, string name, string label) =>
        form.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(label)).Append("</label><textarea id=\"").Append(id).Append("\" name=\"")
            .Append(name).Append("\" rows=\"2\"></textarea></div>\n");

    private static void Check(StringBuilder form, string id, string name, string label) =>
        form.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(label)).Append("</label><input id=\"").Append(id).Append("\" name=\"")
            .Append(name).Append("\" type=\"checkbox\" value=\"true\"></div>\n");

    private static void Select(StringBuilder form, string id, string name, string label, IEnumerable<string> options)
    {
        form.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(label)).Append("</label><select id=\"").Append(id).Append("\" name=\"").Append(name).Append("\">");
        foreach (var option in options)
        {
            form.Append("<option value=\"").Append(Encode(option)).Append("\">").Append(option.Length == 0 ? "(none)" : Encode(option)).Append("</option>");
        }

        form.Append("</select></div>\n");
    }
}
