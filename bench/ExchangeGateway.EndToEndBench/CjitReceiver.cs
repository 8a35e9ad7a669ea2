using System.Net;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// The CJIT's endpoint in the embedded development directory is 127.0.0.1:8480: this minimal receiver answers 200
/// there, so pushes are delivered (and audited) during the measurement.
/// </summary>
internal sealed class CjitReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private int pushed;

    private CjitReceiver()
    {
        listener.Prefixes.Add("http://127.0.0.1:8480/");
    }

    /// <summary>Pushes answered so far.</summary>
    public int Pushed => Volatile.Read(ref pushed);

    /// <summary>Starts listening and serving in the background.</summary>
    public static CjitReceiver Start()
    {
        var receiver = new CjitReceiver();
        receiver.listener.Start();
        _ = Task.Run(receiver.ServeAsync);
        return receiver;
    }

    /// <inheritdoc/>
    public void Dispose() => ((IDisposable)listener).Dispose();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            try
            {
                await context.Request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
                context.Response.StatusCode = 200;
                context.Response.Close();
                Interlocked.Increment(ref pushed);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // A push the gateway gave up on (its timeout) while it was being answered: the gateway retries it; keep serving.
                context.Response.Abort();
            }
        }
    }
}
