namespace ExchangeGateway.Http;

/// <summary>Writes a file whole or not at all: a temporary file beside it, flushed to disk, then renamed over it.</summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; a crash leaves the old file or the new one, never half of one.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);

                // Flushed to the disk, not just the OS cache, before the rename makes it the file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
