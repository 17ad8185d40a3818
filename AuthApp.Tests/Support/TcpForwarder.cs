using System.Net;
using System.Net.Sockets;

namespace AuthApp.Tests.Support;

/// <summary>
/// A loopback TCP relay to a server, which a test can cut (every connection closed, the port refusing) and
/// restore on the same port: an outage of that server for one client, without stopping it for anyone else.
/// </summary>
public sealed class TcpForwarder(Uri target) : IAsyncDisposable
{
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();

    public int Port { get; private set; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _running = new CancellationTokenSource();
        _ = AcceptAsync(_listener, _running.Token);
    }

    /// <summary>The outage: the port stops listening and every relayed connection is dropped.</summary>
    public void Cut()
    {
        _running.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(target.Host, target.Port, ct);
            var up = inbound.GetStream().CopyToAsync(outbound.GetStream(), ct);
            var down = outbound.GetStream().CopyToAsync(inbound.GetStream(), ct);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A dropped connection is what the relay is for.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
