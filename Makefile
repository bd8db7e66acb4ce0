# fupin — the two commands the README promises: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/fupin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo worker fonts test lint test-sqlite test-postgres serve migrate clean browser-deps java-deps screenshots bench

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PY)）"; exit 2; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

migrate: $(STAMP)
	mkdir -p var
	$(BIN)/fupin migrate --noinput

demo: migrate fonts
	$(BIN)/fupin areas load
	$(BIN)/fupin demo > /dev/null
	$(BIN)/fupin synth --scale province --seed 2017 --into-db --skip-registry > /dev/null
	$(BIN)/fupin synth --scale demo --seed 2017 --into-db > /dev/null
	$(BIN)/fupin demo  # again: links the 第一书记 and 驻村工作队员 accounts to cadres posted to their village
	$(BIN)/fupin checks --year 2017 --area 520325 > /dev/null
	$(BIN)/fupin checks --year 2017 --area 520526 > /dev/null
	$(BIN)/fupin indicators --refresh --area 520000000000 --year 2017 > /dev/null
	$(BIN)/fupin dispatch plan --round 2017 --area 520325 > /dev/null
	$(BIN)/fupin dispatch plan --round 2017 --area 520526 > /dev/null
	$(BIN)/fupin assessment standard --area 520500000000 --year 2017 --assessed extremely_poor_townships > /dev/null
	$(BIN)/fupin assessment all --year 2017 > /dev/null  # again, now with the refreshed indicators
	@echo "打开 http://127.0.0.1:8000/ ，用上面的演示账号登录；Ctrl-C 同时停止网站和后台任务进程"
	$(BIN)/fupin worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/fupin runserver 127.0.0.1:8000

# The background-job worker alone (a second terminal, or beside a production server: docs/deploy.md).
worker: migrate
	$(BIN)/fupin worker

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/fupin makemigrations --check --dry-run

# A Chinese font for the printed notices, record cards and minutes (PDF): Debian's Noto CJK, installed if missing.
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-noto-cjk >/dev/null; } \
	  || echo "未能安装中文字体（fonts-noto-cjk）：打印 PDF 将提示缺少字体"

# Debian's Chromium (and CJK fonts for screenshots and the printed PDFs) for the browser tests; Playwright drives it, never downloads one.
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@$(MAKE) -s fonts

# A Java runtime for PySpark (the fourth rules engine); installed from Debian if missing.
java-deps:
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

screenshots: $(STAMP) browser-deps
	$(BIN)/python scripts/screenshots.py

test-sqlite: $(STAMP) browser-deps java-deps
	env -u FUPIN_DATABASE_URL $(BIN)/pytest

# A PostgreSQL run that cannot reach its server fails here; it never skips.
test-postgres: $(STAMP) browser-deps java-deps
	$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('/fupin','/postgres'), connect_timeout=5).close()" \
	  || { echo "PostgreSQL 无法连接：$(PG_URL)"; exit 1; }
	FUPIN_DATABASE_URL=$(PG_URL) $(BIN)/pytest

test: lint test-sqlite test-postgres

# Every benchmark, several runs each; rewrites docs/benchmarks.md. `make bench NAMES="synth"` for some.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(NAMES)

clean:
	rm -rf $(VENV) var
