namespace ExchangeGateway.Inbox;

/// <summary>The inbox's own CSS, served as /inbox.css so the pages need no inline style.</summary>
internal static class InboxStyle
{
    public const string Css = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; color: #111; background: #fff; margin: 0 auto; max-width: 1100px; padding: 12px; }
        .bar { display: flex; align-items: center; justify-content: space-between; gap: 12px; border-bottom: 3px solid #004c97; padding-bottom: 6px; margin-bottom: 10px; }
        .bar h1 { font-size: 16pt; margin: 0; }
        .bar form { margin: 0; }
        .status { color: #333; margin: 4px 0 10px; }
        table.inbox { border-collapse: collapse; width: 100%; }
        table.inbox th, table.inbox td { border: 1px solid #aaa; padding: 4px 6px; text-align: left; vertical-align: top; }
        table.inbox th { background: #eef2f7; }
        tr.state-new td { font-weight: bold; }
        .state { display: inline-block; padding: 0 6px; border-radius: 3px; background: #ddd; }
        .state-new .state { background: #004c97; color: #fff; }
        .state-accepted .state, .state-replied .state { background: #1b6e1b; color: #fff; }
        .state-rejected .state { background: #b00020; color: #fff; }
        .flag { color: #b00020; font-weight: bold; }
        .answer { border: 2px solid #1b6e1b; background: #f0f8f0; padding: 8px 12px; margin: 10px 0; }
        .answer.problem { border-color: #b00020; background: #fff3f3; }
        .answer h2 { margin: 0 0 4px; font-size: 13pt; border: 0; }
        .actions { border-top: 3px solid #004c97; margin-top: 20px; padding-top: 6px; }
        .actions form { border: 1px solid #aaa; padding: 8px 12px; margin: 10px 0; }
        .actions h2 { font-size: 13pt; margin: 0 0 6px; border: 0; }
        .field { display: grid; grid-template-columns: 16em 1fr; gap: 4px 10px; margin: 4px 0; align-items: start; }
        .field input[type=text], .field input:not([type]), .field textarea, .field select { width: 100%; max-width: 32em; }
        .buttons { margin-top: 8px; display: flex; gap: 10px; }
        button { font-size: 11pt; padding: 4px 14px; }
        .document { border: 1px solid #ccc; padding: 0 12px; }
        """;
}
