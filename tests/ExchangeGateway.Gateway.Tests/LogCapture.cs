using System.Text;
using ExchangeGateway.TestData;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// Every log event of a gateway under test, as the JSON log line (message, template, every property, exception) plus the
/// rendered text: each gateway the integration suite starts writes here, and is checked for people's data when it stops.
/// </summary>
internal sealed class LogCapture : ILogEventSink
{
    private static readonly CompactJsonFormatter Json = new();
    private readonly StringBuilder text = new();
    private readonly List<LogEvent> events = [];
    private readonly Lock gate = new();

    /// <summary>How many events were captured.</summary>
    public int Count { get; private set; }

    /// <summary>Everything captured so far.</summary>
    public string Text
    {
        get
        {
            lock (gate)
            {
                return text.ToString();
            }
        }
    }

    /// <summary>The events captured so far, for their levels and exceptions.</summary>
    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }

    /// <inheritdoc/>
    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        Json.Format(logEvent, line);
        lock (gate)
        {
            text.Append(logEvent.RenderMessage()).Append('\n').Append(line);
            events.Add(logEvent);
            Count++;
        }
    }

    /// <summary>Fails naming the first example name or identifier found in <paramref name="log"/>.</summary>
    public static void AssertNoPersonalData(string log, string whose)
    {
        var found = Examples.PersonalValues.Where(v => log.Contains(v, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 0, $"{whose} logged people's data from the examples: {string.Join(", ", found.Select(v => $"'{v}'"))}");
    }
}
