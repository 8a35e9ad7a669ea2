namespace ExchangeGateway.Fuzz;

/// <summary>
/// A structure-aware edit of DER: reads the input as a tree of tag-length-value nodes, changes the node at
/// <see cref="Node"/> (document order, wrapping around) and encodes the tree again with correct lengths, so that the
/// change gets past the outer framing to the code that reads that field. Input that is not DER is left as it is.
/// </summary>
internal abstract record DerEdit(uint Node) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        var root = DerNode.TryRead(input);
        if (root is null)
        {
            return input;
        }

        var nodes = new List<(DerNode Node, DerNode? Parent)>();
        Collect(root, null, nodes);
        var (node, parent) = nodes[(int)(Node % (uint)nodes.Count)];
        Change(node, parent, nodes);
        return root.Encode();
    }

    /// <summary>Changes the tree in place.</summary>
    protected abstract void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all);

    private static void Collect(DerNode node, DerNode? parent, List<(DerNode, DerNode?)> nodes)
    {
        nodes.Add((node, parent));
        foreach (var child in node.Children ?? [])
        {
            Collect(child, node, nodes);
        }
    }
}

/// <summary>Removes an element from its SEQUENCE or SET (the root is emptied instead).</summary>
internal sealed record DerDrop(uint Node) : DerEdit(Node)
{
    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all)
    {
        if (parent is null)
        {
            node.Children = null;
            node.Content = [];
        }
        else
        {
            parent.Children!.Remove(node);
        }
    }
}

/// <summary>Repeats an element (two SignerInfos, two signing times, two recipients).</summary>
internal sealed record DerDuplicate(uint Node) : DerEdit(Node)
{
    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all) =>
        parent?.Children!.Insert(parent.Children.IndexOf(node), node.Clone());
}

/// <summary>Replaces an element with a copy of another one from the same input (an OID where an INTEGER goes, and so on).</summary>
internal sealed record DerTransplant(uint Node, uint Donor) : DerEdit(Node)
{
    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all)
    {
        var donor = all[(int)(Donor % (uint)all.Count)].Node.Clone();
        node.Tag = donor.Tag;
        node.Children = donor.Children;
        node.Content = donor.Content;
    }
}

/// <summary>Changes an element's tag (INTEGER, NULL, OID, SEQUENCE, context tags, a long-form tag).</summary>
internal sealed record DerRetag(uint Node, byte[] Tag) : DerEdit(Node)
{
    public static IReadOnlyList<byte[]> Tags { get; } = [[0x02], [0x04], [0x05], [0x06], [0x0C], [0x17], [0x18], [0x30], [0x31], [0xA0], [0xA1], [0x80], [0x00], [0x1F, 0x81, 0x00]];

    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all)
    {
        node.Tag = Tag;

        // A constructed tag needs children to encode; keep the body either way.
        if ((Tag[0] & 0x20) == 0 && node.Children is not null)
        {
            node.Content = node.EncodeBody();
            node.Children = null;
        }
    }
}

/// <summary>Replaces the content of a primitive element (or the body of a constructed one) with hostile bytes.</summary>
internal sealed record DerReplaceContent(uint Node, byte[] Content) : DerEdit(Node)
{
    public static IReadOnlyList<byte[]> Contents { get; } =
    [
        [], [0x00], [0x80], [0xFF], [0x00, 0x00, 0x01], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00, 0x00],
        [.. Enumerable.Repeat((byte)0xFF, 9)], [.. Enumerable.Repeat((byte)0x7F, 40)], [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        "20261313256161Z"u8.ToArray(), "99991231235959Z"u8.ToArray(), "19000101000000Z"u8.ToArray(), [0xC3, 0x28, 0xED, 0xA0, 0x80],
        new byte[5000],
    ];

    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all)
    {
        node.Children = null;
        node.Content = Content;
    }
}

/// <summary>Writes an element's length wrongly on purpose: non-minimal, indefinite, huge, or off by one.</summary>
internal sealed record DerBadLength(uint Node, int Kind) : DerEdit(Node)
{
    protected override void Change(DerNode node, DerNode? parent, List<(DerNode Node, DerNode? Parent)> all) => node.LengthOverride = Kind;
}

/// <summary>A DER element: tag bytes, then children (constructed) or content (primitive).</summary>
internal sealed class DerNode
{
    public byte[] Tag { get; set; } = [];

    public List<DerNode>? Children { get; set; }

    public byte[] Content { get; set; } = [];

    /// <summary>When set, the length is written in a bad form (0 to 5) instead of minimal DER.</summary>
    public int? LengthOverride { get; set; }

    public static DerNode? TryRead(byte[] input)
    {
        var position = 0;
        var node = Read(input, ref position, depth: 0);
        return node is not null && position == input.Length ? node : null;
    }

    public DerNode Clone() => new() { Tag = Tag, Content = Content, LengthOverride = LengthOverride, Children = Children?.Select(c => c.Clone()).ToList() };

    public byte[] EncodeBody() => Children is null ? Content : [.. Children.SelectMany(c => c.Encode())];

    public byte[] Encode()
    {
        var body = EncodeBody();
        return [.. Tag, .. Length(body.Length), .. body];
    }

    private byte[] Length(int length) => LengthOverride switch
    {
        0 => [0x84, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length], // non-minimal
        1 => [0x80], // indefinite, without an end-of-contents
        2 => [0x84, 0xFF, 0xFF, 0xFF, 0xFF], // longer than any input
        3 => Minimal(length + 1),
        4 => Minimal(Math.Max(0, length - 1)),
        5 => [0x89, 0x01, 0, 0, 0, 0, 0, 0, 0, 0], // wider than a long
        _ => Minimal(length),
    };

    private static byte[] Minimal(int length) => length switch
    {
        < 0x80 => [(byte)length],
        < 0x100 => [0x81, (byte)length],
        < 0x10000 => [0x82, (byte)(length >> 8), (byte)length],
        < 0x1000000 => [0x83, (byte)(length >> 16), (byte)(length >> 8), (byte)length],
        _ => [0x84, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length],
    };

    private static DerNode? Read(byte[] input, ref int position, int depth)
    {
        if (depth > 64 || position + 2 > input.Length)
        {
            return null;
        }

        var tagStart = position;
        var constructed = (input[position] & 0x20) != 0;
        if ((input[position++] & 0x1F) == 0x1F)
        {
            while (position < input.Length && (input[position] & 0x80) != 0)
            {
                position++;
            }

            position++;
        }

        if (position >= input.Length)
        {
            return null;
        }

        var tag = input[tagStart..position];
        int length = input[position++];
        if (length > 0x80)
        {
            var count = length & 0x7F;
            if (count > 3 || position + count > input.Length)
            {
                return null;
            }

            length = 0;
            for (var i = 0; i < count; i++)
            {
                length = (length << 8) | input[position++];
            }
        }
        else if (length == 0x80)
        {
            return null; // indefinite: not DER
        }

        if (position + length > input.Length)
        {
            return null;
        }

        var end = position + length;
        if (!constructed)
        {
            var node = new DerNode { Tag = tag, Content = input[position..end] };
            position = end;
            return node;
        }

        var children = new List<DerNode>();
        while (position < end)
        {
            var child = Read(input, ref position, depth + 1);
            if (child is null || position > end)
            {
                return null;
            }

            children.Add(child);
        }

        return new DerNode { Tag = tag, Children = children };
    }
}
