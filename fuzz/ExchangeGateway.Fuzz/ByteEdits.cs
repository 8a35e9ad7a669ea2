namespace ExchangeGateway.Fuzz;

/// <summary>One change to an input; a generated input is a seed with a few edits applied in order.</summary>
internal abstract record Edit
{
    /// <summary>The changed input; never changes <paramref name="input"/> itself (seeds are shared).</summary>
    public abstract byte[] Apply(byte[] input);

    /// <summary>A position in an input of <paramref name="length"/> bytes (generated positions are any uint).</summary>
    protected static int Position(uint at, int length) => (int)(at % (uint)(length + 1));
}

/// <summary>Flips the bits of <see cref="Mask"/> in one byte.</summary>
internal sealed record FlipBits(uint At, byte Mask) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var output = (byte[])input.Clone();
        output[At % (uint)input.Length] ^= Mask;
        return output;
    }
}

/// <summary>Sets one byte to a value with a meaning for JSON or DER.</summary>
internal sealed record SetByte(uint At, byte Value) : Edit
{
    public static IReadOnlyList<byte> Interesting { get; } = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'0', (byte)'\n'];

    public override byte[] Apply(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var output = (byte[])input.Clone();
        output[At % (uint)input.Length] = Value;
        return output;
    }
}

/// <summary>Cuts the input short.</summary>
internal sealed record Truncate(uint At) : Edit
{
    public override byte[] Apply(byte[] input) => input[..Position(At, input.Length)];
}

/// <summary>Removes up to <see cref="Length"/> bytes.</summary>
internal sealed record RemoveRange(uint At, int Length) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        var start = Position(At, input.Length);
        var end = Math.Min(input.Length, start + Length);
        return [.. input.AsSpan(0, start), .. input.AsSpan(end)];
    }
}

/// <summary>Inserts bytes (hostile or random).</summary>
internal sealed record Insert(uint At, byte[] Bytes) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        var at = Position(At, input.Length);
        return [.. input.AsSpan(0, at), .. Bytes, .. input.AsSpan(at)];
    }
}

/// <summary>Repeats a range right after itself.</summary>
internal sealed record DuplicateRange(uint At, int Length) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        var start = Position(At, input.Length);
        var end = Math.Min(input.Length, start + Length);
        return [.. input.AsSpan(0, end), .. input.AsSpan(start, end - start), .. input.AsSpan(end)];
    }
}

/// <summary>Adds bytes at the end, e.g. trailing newlines or garbage after a complete document.</summary>
internal sealed record Append(byte[] Bytes) : Edit
{
    public override byte[] Apply(byte[] input) => [.. input, .. Bytes];
}
