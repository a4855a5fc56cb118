namespace CommandCenter.Simulators.World;

/// <summary>The cloud accounting books (QBO, Xero): the same whatever world is built (the demo clients by name).</summary>
public sealed partial class SimulatorWorld
{
    private QboData? _qbo;
    private XeroData? _xero;

    public QboData Qbo => LazyInitializer.EnsureInitialized(ref _qbo, () => new QboData());

    public XeroData Xero => LazyInitializer.EnsureInitialized(ref _xero, () => new XeroData());
}
