using System.Globalization;

namespace ExchangeGateway.Audit;

/// <summary>
/// One value of an entry's details: a string or an integer. Integers are limited to ±(2^53 − 1) so that the canonical
/// JSON is the same in every JSON implementation (RFC 8785 numbers are IEEE doubles).
/// </summary>
public readonly struct AuditValue : IEquatable<AuditValue>
{
    /// <summary>The largest integer a detail may hold (2^53 − 1).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    private readonly string? text;
    private readonly long number;

    private AuditValue(string? text, long number)
    {
        this.text = text;
        this.number = number;
    }

    /// <summary>True for an integer, false for a string.</summary>
    public bool IsNumber => text is null;

    /// <summary>The string, or null for an integer.</summary>
    public string? Text => text;

    /// <summary>The integer (0 for a string).</summary>
    public long Number => number;

    /// <summary>A string value.</summary>
    public static AuditValue FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), 0);

    /// <summary>An integer value; throws when it is outside ±(2^53 − 1).</summary>
    public static AuditValue FromInt64(long value) =>
        value is > MaxSafeInteger or < -MaxSafeInteger
            ? throw new ArgumentOutOfRangeException(nameof(value), "audit detail integers must be within ±(2^53 − 1)")
            : new AuditValue(null, value);

    /// <summary>An integer value.</summary>
    public static AuditValue FromInt32(int value) => new(null, value);

    /// <summary>A string value.</summary>
    public static implicit operator AuditValue(string value) => FromString(value);

    /// <summary>An integer value.</summary>
    public static implicit operator AuditValue(long value) => FromInt64(value);

    /// <summary>An integer value.</summary>
    public static implicit operator AuditValue(int value) => FromInt32(value);

    /// <summary>Equal values.</summary>
    public static bool operator ==(AuditValue left, AuditValue right) => left.Equals(right);

    /// <summary>Different values.</summary>
    public static bool operator !=(AuditValue left, AuditValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(AuditValue other) => string.Equals(text, other.text, StringComparison.Ordinal) && number == other.number;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AuditValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => text is null ? number.GetHashCode() : StringComparer.Ordinal.GetHashCode(text);

    /// <summary>The string, or the integer in decimal.</summary>
    public override string ToString() => text ?? number.ToString(CultureInfo.InvariantCulture);
}
