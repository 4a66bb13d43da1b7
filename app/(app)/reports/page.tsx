export default function ReportsPage() {
  return <h1 className="text-lg font-semibold">Reports</h1>;
}
