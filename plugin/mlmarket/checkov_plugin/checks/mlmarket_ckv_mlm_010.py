from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_010(MlmarketCheck):
    rule_id = "CKV_MLM_010"


check = CKV_MLM_010()
