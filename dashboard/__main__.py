from dashboard.entry import run

run()
