using System.Formats.Asn1;
using Org.BouncyCastle.Asn1;

namespace ExchangeGateway.Crypto;

/// <summary>
/// Refuses an encoding that is not DER. The envelope and the key transport parameters are not covered by the GCM tag
/// or the signature, so a reader that accepts BER would open many byte strings as one package; holding every
/// structure to its single DER encoding leaves nothing to vary. Two checks: a walk of the bytes under DER rules
/// (definite minimal lengths, primitive strings, sorted SET OF, minimal integers, canonical booleans, times and
/// bit strings), and re-encoding the typed structure the reader understood and comparing bytes (implicitly tagged
/// strings and DEFAULT values, which a schema-less walk cannot see).
/// </summary>
internal static class StrictDer
{
    // A package nests about a dozen deep (a certificate name inside a SignedData inside a ContentInfo); the limit keeps a crafted nest off the stack.
    private const int MaxDepth = 48;

    /// <summary>Throws a "not DER" refusal unless <paramref name="encoded"/> is one DER value, nested values included.</summary>
    public static void Require(ReadOnlySpan<byte> encoded, string what)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.DER, out _, out _, out var consumed);
            if (consumed != encoded.Length)
            {
                throw new PackageRefusedException(RefusalReason.Malformed, $"{what} has {encoded.Length - consumed} bytes after its end");
            }

            Walk(encoded, what, 0);
        }
        catch (AsnContentException ex)
        {
            throw NotDer($"{what} is not DER ({ex.Message})");
        }
    }

    /// <summary>Throws a "not DER" refusal unless <paramref name="typed"/>, encoded as DER, is exactly <paramref name="encoded"/>.</summary>
    public static void RequireReencodes(Asn1Encodable typed, ReadOnlySpan<byte> encoded, string what)
    {
        if (!typed.GetEncoded(Asn1Encodable.Der).AsSpan().SequenceEqual(encoded))
        {
            throw NotDer($"{what} differs from its DER re-encoding");
        }
    }

    /// <summary>A "not DER" refusal.</summary>
    public static PackageRefusedException NotDer(string message) => new(RefusalReason.NotDer, message);

    private static void Walk(ReadOnlySpan<byte> encoded, string what, int depth)
    {
        if (depth > MaxDepth)
        {
            throw NotDer($"{what} nests deeper than {MaxDepth}");
        }

        while (!encoded.IsEmpty)
        {
            var tag = AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out var consumed);
            var value = encoded[..consumed];
            var universal = tag.TagClass == TagClass.Universal;
            if (tag.IsConstructed)
            {
                if (universal && tag.TagValue == (int)UniversalTagNumber.SetOf)
                {
                    AsnDecoder.ReadSetOf(value, AsnEncodingRules.DER, out _, out _, out _);
                }
                else if (universal && tag.TagValue != (int)UniversalTagNumber.Sequence)
                {
                    throw NotDer($"{what} is not DER (a constructed universal {tag.TagValue}: DER writes strings primitive)");
                }

                Walk(encoded.Slice(contentOffset, contentLength), what, depth + 1);
            }
            else if (universal)
            {
                CheckPrimitive(value, (UniversalTagNumber)tag.TagValue);
            }

            encoded = encoded[consumed..];
        }
    }

    private static void CheckPrimitive(ReadOnlySpan<byte> value, UniversalTagNumber type)
    {
        // Each reader applies DER's rule for its type; character strings only need to be primitive, which the caller saw.
        const AsnEncodingRules der = AsnEncodingRules.DER;
        switch (type)
        {
            case UniversalTagNumber.Boolean:
                AsnDecoder.ReadBoolean(value, der, out _);
                break;
            case UniversalTagNumber.Integer:
                AsnDecoder.ReadIntegerBytes(value, der, out _);
                break;
            case UniversalTagNumber.Enumerated:
                AsnDecoder.ReadEnumeratedBytes(value, der, out _);
                break;
            case UniversalTagNumber.BitString:
                AsnDecoder.ReadBitString(value, der, out _, out _);
                break;
            case UniversalTagNumber.Null:
                AsnDecoder.ReadNull(value, der, out _);
                break;
            case UniversalTagNumber.ObjectIdentifier:
                AsnDecoder.ReadObjectIdentifier(value, der, out _);
                break;
            case UniversalTagNumber.UtcTime:
                AsnDecoder.ReadUtcTime(value, der, out _);
                break;
            case UniversalTagNumber.GeneralizedTime:
                AsnDecoder.ReadGeneralizedTime(value, der, out _);
                break;
            default:
                break;
        }
    }
}
